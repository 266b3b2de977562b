using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components;

public sealed class SharedComponentTests : DeskPageTest
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(10, "just now")]
    [InlineData(5 * 60, "5 min ago")]
    [InlineData(3 * 3600, "3 h ago")]
    [InlineData(-5 * 3600, "in 5 h")]
    [InlineData(2 * 86400, "2026-11-21 12:00")]
    public void Relative_time_reads_as_a_person_says_it(int secondsAgo, string expected) =>
        Assert.Equal(expected, RelativeTime.Describe(Now.AddSeconds(-secondsAgo), Now, TimeZoneInfo.Utc));

    [Fact]
    public void Relative_time_shows_the_exact_moment_in_utc_on_hover()
    {
        var cut = Render<RelativeTime>(p => p.Add(c => c.At, Now.AddMinutes(-2)).Add(c => c.Now, Now));
        Assert.Equal("2 min ago", cut.Find("span").TextContent);
        Assert.Equal("2026-11-23T11:58:00Z UTC", cut.Find("span").GetAttribute("title"));
    }

    [Fact]
    public void A_moment_a_day_away_or_more_shows_in_the_browsers_time_zone_with_utc_on_hover()
    {
        var cut = Render<RelativeTime>(p => p.Add(c => c.At, Now.AddDays(-3)).Add(c => c.Now, Now));
        Assert.Equal("2026-11-20 12:00", cut.Find("span").TextContent); // UTC until the browser has answered

        Services.GetRequiredService<BrowserTimeZone>().Use(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

        cut.WaitForAssertion(() => Assert.Equal("2026-11-20 07:00", cut.Find("span").TextContent));
        Assert.Equal("2026-11-20T12:00:00Z UTC", cut.Find("span").GetAttribute("title"));
    }

    [Fact]
    public void Run_status_chip_names_the_status()
    {
        var cut = Render<RunStatusChip>(p => p.Add(c => c.Status, ExecutionStatus.Failed));
        Assert.Equal("Failed", cut.Find("[data-testid=run-status]").GetAttribute("data-status"));
    }

    [Fact]
    public void Json_text_indents_and_keeps_text_that_is_not_json()
    {
        Assert.Equal("{\n  \"a\": 1\n}", JsonText.Pretty("{\"a\":1}").ReplaceLineEndings("\n"));
        Assert.Equal("not json", JsonText.Pretty("not json"));
        Assert.Equal("abcd…", JsonText.Preview("abcdefgh", 5));
    }
}
