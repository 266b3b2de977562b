using System.Runtime.CompilerServices;

namespace AutomationDesk.Tests;

internal static class TestAssembly
{
    /// <summary>
    /// Page tests wait on the renderer while servers, runners and browsers share a small machine: enough pool
    /// threads up front keep a blocked wait from starving the dispatcher that would end it, and waits get room.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        Bunit.BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
    }
}
