namespace AutomationDesk.Core.Preflight;

/// <summary>
/// One thing preflight found: how bad it is (<see cref="PreflightSeverity"/>), where (the step and the field path, as
/// validation names them: <c>steps[1].config.subject</c>), what is wrong, and what a person should do about it.
/// </summary>
public sealed record PreflightFinding(string Severity, string? StepId, string? Field, string Message, string Action);

/// <summary>How bad a finding is. Only errors make a preflight fail: a run would fail or act wrongly.</summary>
public static class PreflightSeverity
{
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";
}
