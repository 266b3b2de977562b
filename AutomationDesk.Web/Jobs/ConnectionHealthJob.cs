using AutomationDesk.Core.Connections;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// The recurring job <c>connections:health</c>: tests every connection so its health is current before a run needs it.
/// Each test announces itself, so an open Connections page and <c>/health/ready</c> follow.
/// </summary>
[AutomaticRetry(Attempts = 0)]
[DisableConcurrentExecution(timeoutInSeconds: 60)]
public sealed class ConnectionHealthJob(ConnectionTester tester)
{
    public const string JobId = "connections:health";

    public Task<int> ExecuteAsync(CancellationToken ct) => tester.TestAllAsync(ct);
}
