namespace AutomationDesk.Tests.Crash;

/// <summary>Tests that start the desk as a child process and stop it for real; they run alone, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    public const string Name = "Crash";
}
