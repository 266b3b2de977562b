using AutomationDesk.Core.Steps;

namespace AutomationDesk.Tests.Core.Steps;

public sealed class StableIdTests
{
    [Fact]
    public void A_repeated_write_gets_the_same_v7_id_carrying_its_runs_time()
    {
        var execution = Guid.CreateVersion7(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

        var first = StableId.Within(execution, "record:save");
        var again = StableId.Within(execution, "record:save");
        var other = StableId.Within(execution, "record:other");

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(7, first.Version);
        Assert.Equal(execution.ToString()[..13], first.ToString()[..13]);
    }
}
