using System.ComponentModel.DataAnnotations;

namespace AutomationDesk.Core.Steps;

/// <summary>Limits of a code step's script beyond its time limit. Bound from the <c>Code</c> section.</summary>
public sealed class CodeStepOptions
{
    /// <summary>
    /// How many megabytes a script may allocate in one run. Jint counts every allocation while the script runs, not
    /// only what it keeps: a loop that builds a million numbers spends it as surely as one big array.
    /// </summary>
    [Range(1, 1024)]
    public int MemoryLimitMegabytes { get; set; } = 32;

    /// <summary>How many statements a script may run: a bound on its work that does not depend on how busy the machine is.</summary>
    [Range(1000, 1_000_000_000)]
    public int MaxStatements { get; set; } = 100_000_000;
}
