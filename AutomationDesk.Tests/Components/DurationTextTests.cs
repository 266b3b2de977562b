using AutomationDesk.Web.Components.Shared;

namespace AutomationDesk.Tests.Components;

/// <summary>The short duration forms people type, beside the forms the definition stores.</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("90s", "00:01:30")]
    [InlineData("15m", "00:15:00")]
    [InlineData("2h", "02:00:00")]
    [InlineData("1d", "1.00:00:00")]
    [InlineData("1h30m", "01:30:00")]
    [InlineData("1h 30m", "01:30:00")]
    [InlineData("1.5h", "01:30:00")]
    [InlineData("2D", "2.00:00:00")]
    [InlineData("500ms", "00:00:00.5000000")]
    [InlineData("00:15:00", "00:15:00")]
    [InlineData("1.00:00:00", "1.00:00:00")]
    [InlineData("PT30S", "00:00:30")]
    [InlineData("P1D", "1.00:00:00")]
    public void A_typed_duration_is_stored_as_hh_mm_ss(string typed, string stored)
    {
        Assert.True(DurationText.TryParse(typed, out var value, out var error), error);
        Assert.Null(error);
        Assert.Equal(stored, DurationText.Store(value!.Value));
    }

    [Theory]
    [InlineData("00:01:30", "1m30s")]
    [InlineData("00:15:00", "15m")]
    [InlineData("02:00:00", "2h")]
    [InlineData("1.00:00:00", "1d")]
    [InlineData("1.02:03:04", "1d2h3m4s")]
    [InlineData("PT30S", "30s")]
    [InlineData("00:00:00", "0s")]
    [InlineData("00:00:01.5", "1s500ms")]
    [InlineData("${trigger.body.wait}", "${trigger.body.wait}")]
    [InlineData("soon", "soon")]
    public void A_stored_duration_reads_in_the_short_form(string stored, string shown) =>
        Assert.Equal(shown, DurationText.Show(stored));

    [Theory]
    [InlineData("15x", "'15x' is not a duration: use a number and a unit (90s, 15m, 2h, 1d, 1h30m) or hh:mm:ss.")]
    [InlineData("ten minutes", "'ten minutes' is not a duration: use a number and a unit (90s, 15m, 2h, 1d, 1h30m) or hh:mm:ss.")]
    [InlineData("15", "'15' needs a unit: 15s, 15m, 15h or 15d.")]
    [InlineData("h", "'h' is not a duration: use a number and a unit (90s, 15m, 2h, 1d, 1h30m) or hh:mm:ss.")]
    [InlineData("-PT5S", "'-PT5S' is not a duration: use a number and a unit (90s, 15m, 2h, 1d, 1h30m) or hh:mm:ss.")]
    [InlineData("10675200d", "'10675200d' is longer than any duration the desk can keep (about 29,000 years).")]
    [InlineData("99999999999h", "'99999999999h' is longer than any duration the desk can keep (about 29,000 years).")]
    public void Text_that_is_no_duration_is_named_with_the_forms_to_use(string typed, string message)
    {
        Assert.False(DurationText.TryParse(typed, out var value, out var error));
        Assert.Null(value);
        Assert.Equal(message, error);
    }

    [Fact]
    public void Empty_text_is_no_duration_and_no_error()
    {
        Assert.True(DurationText.TryParse("  ", out var value, out var error));
        Assert.Null(value);
        Assert.Null(error);
    }

    [Fact]
    public void Every_short_form_reads_back_to_the_same_duration()
    {
        foreach (var stored in new[] { "00:00:01", "00:00:59", "00:01:00", "01:01:01", "3.04:05:06", "00:00:00.250" })
        {
            var value = TimeSpan.Parse(stored, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(DurationText.TryParse(DurationText.Format(value), out var back, out _));
            Assert.Equal(value, back);
        }
    }
}
