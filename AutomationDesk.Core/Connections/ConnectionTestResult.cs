namespace AutomationDesk.Core.Connections;

/// <summary>What a connection's test found: whether it works and, in a person's words, what happened.</summary>
public sealed record ConnectionTestResult(bool Ok, string Detail, int LatencyMs = 0)
{
    public static ConnectionTestResult Passed(string detail) => new(true, detail);

    public static ConnectionTestResult Failed(string detail) => new(false, detail);
}
