using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Artifacts;

/// <summary>Where run artifacts are kept and how large one may be. Bound from the <c>Artifacts</c> section.</summary>
public sealed class ArtifactOptions
{
    /// <summary>The folder of artifacts; empty means <c>artifacts/</c> beside the database file (<c>data/artifacts</c>).</summary>
    public string Root { get; set; } = "";

    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBytes { get; set; } = 50 * 1024 * 1024;
}
