namespace AutomationDesk.Tests.Browser;

/// <summary>
/// The browser journeys run one class at a time: each starts its own desk and Chromium, and sixteen of them at once
/// beside the rest of the suite on two cores starved the circuits until clicks timed out. The rest of the suite still
/// runs beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
