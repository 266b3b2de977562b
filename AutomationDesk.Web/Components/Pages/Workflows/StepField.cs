namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>A step's own property names in the definition (WORKFLOW-FORMAT.md, "Step fields").</summary>
public static class StepField
{
    public const string Id = "id";
    public const string Type = "type";
    public const string Name = "name";
    public const string DependsOn = "dependsOn";
    public const string When = "when";
    public const string Retry = "retry";
    public const string Timeout = "timeout";
    public const string OnError = "onError";
    public const string Config = "config";
}
