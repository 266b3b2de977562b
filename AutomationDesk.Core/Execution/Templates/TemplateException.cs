namespace AutomationDesk.Core.Execution.Templates;

/// <summary>A template that cannot be resolved: the message names the path.</summary>
public sealed class TemplateException(string message, string path) : Exception(message)
{
    public string Path { get; } = path;
}
