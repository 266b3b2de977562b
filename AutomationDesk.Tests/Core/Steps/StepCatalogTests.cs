using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Steps;

/// <summary>The step picker groups and describes every step type from its attribute; none may be left out.</summary>
public sealed class StepCatalogTests
{
    [Fact]
    public async Task Every_registered_step_type_names_a_category_and_a_summary()
    {
        await using var desk = await CoreDesk.StartAsync();

        var types = desk.Get<StepRegistry>().All;

        Assert.NotEmpty(types);
        Assert.All(types, type =>
        {
            Assert.Contains(type.Category, StepCategory.All);
            Assert.False(string.IsNullOrWhiteSpace(type.Summary), $"{type.Name} has no summary.");
        });
    }

    [Fact]
    public async Task Every_category_holds_at_least_one_step_type()
    {
        await using var desk = await CoreDesk.StartAsync();

        var used = desk.Get<StepRegistry>().All.Select(t => t.Category).ToHashSet();

        Assert.All(StepCategory.All, category => Assert.Contains(category, used));
    }
}
