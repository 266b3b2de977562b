namespace AutomationDesk.Core.Settings;

/// <summary>A desk-wide setting an Admin changes in the browser: a key and any JSON value.</summary>
public sealed class DeskSetting
{
    public string Key { get; set; } = "";
    public string ValueJson { get; set; } = "null";
    public DateTimeOffset UpdatedAt { get; set; }
}
