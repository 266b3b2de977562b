using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class RetryTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string?> _keys = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app =>
        {
            // Fails twice with 503, then answers: the flaky service every retry policy is written for.
            app.MapPost("/flaky", (HttpContext http) =>
            {
                _keys.Enqueue(http.Request.Headers["Idempotency-Key"].ToString());
                return _calls.AddOrUpdate("flaky", 1, (_, n) => n + 1) <= 2 ? Results.StatusCode(503) : Results.Json(new { ok = true });
            });
            app.MapGet("/dead", () => { _calls.AddOrUpdate("dead", 1, (_, n) => n + 1); return Results.StatusCode(500); });
            app.MapGet("/missing", () => { _calls.AddOrUpdate("missing", 1, (_, n) => n + 1); return Results.NotFound(); });
            app.MapGet("/busy", (HttpContext http) =>
            {
                _calls.AddOrUpdate("busy", 1, (_, n) => n + 1);
                http.Response.Headers.RetryAfter = "120";
                return Results.StatusCode(429);
            });
            app.MapGet("/hang", async (HttpContext http) =>
            {
                _calls.AddOrUpdate("hang", 1, (_, n) => n + 1);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The desk gave up on the call, as the test expects.
                }
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private static JsonObject Retry(int attempts, string backoff = "exponential", string initialDelay = "00:00:02") =>
        new() { ["maxAttempts"] = attempts, ["backoff"] = backoff, ["initialDelay"] = initialDelay, ["maxDelay"] = "00:01:00" };

    private static JsonObject WithRetry(JsonObject step, JsonObject retry)
    {
        step["retry"] = retry;
        return step;
    }

    [Theory]
    [InlineData("exponential", 1, 2.0)]
    [InlineData("exponential", 2, 4.0)]
    [InlineData("exponential", 3, 8.0)]
    [InlineData("exponential", 10, 60.0)]
    [InlineData("fixed", 1, 2.0)]
    [InlineData("fixed", 5, 2.0)]
    public void Backoff_stays_within_twenty_percent_of_its_plan_and_never_passes_the_maximum(string backoff, int failedAttempt, double plannedSeconds)
    {
        var policy = new RetryPolicy { MaxAttempts = 20, Backoff = backoff, InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(1) };

        var lowest = RetryBackoff.Delay(policy, failedAttempt, null, 0);
        var highest = RetryBackoff.Delay(policy, failedAttempt, null, 0.999999);

        Assert.Equal(plannedSeconds * 0.8, lowest.TotalSeconds, 3);
        Assert.Equal(Math.Min(plannedSeconds * 1.2, 60), highest.TotalSeconds, 3);
        Assert.NotEqual(lowest, highest);
    }

    [Fact]
    public void Retry_after_is_honoured_when_it_asks_for_longer_than_the_plan()
    {
        var policy = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromSeconds(90), RetryBackoff.Delay(policy, 1, TimeSpan.FromSeconds(90), 0.5));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryBackoff.Delay(policy, 1, TimeSpan.FromMilliseconds(10), 0.5));
    }

    [Fact]
    public async Task A_step_that_fails_twice_then_answers_succeeds_on_its_third_attempt_through_durable_timers()
    {
        var execution = await _desk.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/flaky"), "POST"), Retry(3))));

        // After the first failure the run is not sleeping anywhere: it is Retrying, with its next attempt due.
        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        Assert.Equal(StepStatus.Retrying, execution.Steps[0].Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Null(execution.LeaseOwner);
        var due = execution.Steps[0].ResumeAt!.Value;
        Assert.InRange(due - CoreDesk.Epoch, TimeSpan.FromSeconds(1.6), TimeSpan.FromSeconds(2.4));
        var dispatch = _desk.Dispatcher.History[^1];
        Assert.Equal(execution.Id, dispatch.ExecutionId);
        Assert.Equal(due, dispatch.DueAt!.Value, TimeSpan.FromMilliseconds(1));

        _desk.Time.Advance(TimeSpan.FromSeconds(3));
        await _desk.RunDueWorkAsync();
        Assert.Equal(2, (await _desk.ExecutionAsync(execution.Id)).Steps[0].Attempts);
        _desk.Time.Advance(TimeSpan.FromSeconds(5));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(3, finished.Steps[0].Attempts);
        Assert.Null(finished.Steps[0].ErrorHuman);
        Assert.Equal(3, _calls["flaky"]);
        // Every attempt carried the same key, so the service can tell a repeat from a new request.
        Assert.Equal(Enumerable.Repeat($"{execution.Id}:call", 3), _keys);
        var warnings = (await _desk.LogsAsync(execution.Id)).Where(l => l.Level == LogLevelName.Warning).Select(l => l.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("attempt 1 of 3 failed", warnings[0], StringComparison.Ordinal);
        Assert.Contains("503", warnings[0], StringComparison.Ordinal);
        Assert.Contains("attempt 2 of 3 failed", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_waiting_to_retry_is_cancelled_at_once_and_never_tries_again()
    {
        var execution = await _desk.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/dead")), Retry(3))));
        Assert.Equal(ExecutionStatus.Retrying, execution.Status);

        var outcome = await _desk.Get<RunCancellation>().CancelAsync(execution.Id, global::AutomationDesk.Core.Auditing.Actor.User("tester@desk.test"), CancellationToken.None);
        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();

        var cancelled = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Cancelled, outcome.Status);
        Assert.Equal(ExecutionStatus.Cancelled, cancelled.Status);
        Assert.Equal(StepStatus.Cancelled, cancelled.Steps[0].Status);
        Assert.Equal(1, _calls["dead"]);
    }

    [Fact]
    public async Task A_service_that_stays_down_fails_the_run_after_the_last_attempt()
    {
        var execution = await _desk.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/dead")), Retry(2, "fixed"))));
        _desk.Time.Advance(TimeSpan.FromSeconds(3));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Failed, finished.Status);
        Assert.Equal(StepStatus.Failed, finished.Steps[0].Status);
        Assert.Equal(2, finished.Steps[0].Attempts);
        Assert.Equal(2, _calls["dead"]);
        Assert.Contains("500", finished.ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_not_found_answer_is_not_retried()
    {
        var execution = await _desk.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/missing")), Retry(5))));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Equal(1, _calls["missing"]);
    }

    [Fact]
    public async Task A_refused_address_is_not_retried()
    {
        await using var guarded = await CoreDesk.StartAsync(new Dictionary<string, string?> { ["Http:AllowPrivateNetworks"] = "false" });

        var execution = await guarded.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/dead")), Retry(5))));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Contains("Refused to connect", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_waits_as_long_as_retry_after_asks()
    {
        var execution = await _desk.RunAsync(Workflow(WithRetry(Http("call", _server.Url("/busy")), Retry(2, "fixed", "00:00:01"))));

        Assert.Equal(ExecutionStatus.Retrying, execution.Status);
        Assert.Equal(CoreDesk.Epoch.AddSeconds(120), execution.DueAt);
    }

    [Fact]
    public async Task The_idempotency_key_can_be_turned_off()
    {
        var execution = await _desk.RunAsync(Workflow(Http("call", _server.Url("/flaky"), "POST").With("idempotencyKey", false)));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("", Assert.Single(_keys));
    }

    [Fact]
    public async Task A_step_attempt_over_its_timeout_ends_the_run_timed_out_with_the_call_cancelled()
    {
        var step = Http("call", _server.Url("/hang"));
        step["timeout"] = "00:00:05";
        var workflowId = await _desk.SaveAsync(Workflow(step));
        var executionId = await _desk.StartAsync(workflowId);

        var running = _desk.RunDueWorkAsync();
        await WaitForAsync(() => _calls.ContainsKey("hang"));
        _desk.Time.Advance(TimeSpan.FromSeconds(6));
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        var finished = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.TimedOut, finished.Status);
        Assert.Contains("Timed out after 00:00:05", finished.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_over_its_timeout_ends_timed_out_even_while_it_waits()
    {
        var definition = Workflow(Delay("pause", TimeSpan.FromMinutes(10)), Transform("after", "done"))
            .WithSettings(new JsonObject { ["timeout"] = "00:05:00" });

        var execution = await _desk.RunAsync(definition);
        Assert.Equal(ExecutionStatus.Waiting, execution.Status);
        Assert.Equal(CoreDesk.Epoch.AddMinutes(5), execution.DueAt);

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.TimedOut, finished.Status);
        Assert.Contains("timeout of 00:05:00", finished.ErrorHuman, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Cancelled, finished.Steps[1].Status);
        await using var db = _desk.NewDb();
        Assert.Contains("timeout of 00:05:00", (await db.Notifications.SingleAsync(n => n.ExecutionId == execution.Id)).Message, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }
}
