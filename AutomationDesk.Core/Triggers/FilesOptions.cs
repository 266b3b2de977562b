namespace AutomationDesk.Core.Triggers;

/// <summary>Where file triggers look. Bound from the <c>Files</c> section.</summary>
public sealed class FilesOptions
{
    /// <summary>The folder that holds every file trigger's folder; empty means <c>files/</c> beside the database file (<c>data/files</c>).</summary>
    public string Root { get; set; } = "";
}
