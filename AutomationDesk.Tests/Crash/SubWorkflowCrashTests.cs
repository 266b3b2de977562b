using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;

namespace AutomationDesk.Tests.Crash;

/// <summary>
/// Runs that wait for their children under a real crash: the desk is SIGKILLed while a <c>workflow.run</c> waits for a
/// child in the middle of a step, and while a <c>foreach</c> has items in flight, then started again on the same
/// database file. Nothing may be lost (every child and item ends, the parent takes their outputs) and nothing may be
/// doubled beyond the at-least-once rule for the step that was in flight (no second child, no second run of an item).
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class SubWorkflowCrashTests : IAsyncLifetime
{
    private const int Items = 200;
    private const int Concurrency = 8;
    private static readonly TimeSpan EndLimit = TimeSpan.FromSeconds(120);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-subcrash-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<DeskProcess> _desks = [];
    private SideEffectServer _effects = null!;

    private string DatabasePath => Path.Combine(_folder, "desk.db");

    private static Dictionary<string, string> Settings => new()
    {
        // Runs held by the killed desk come back because its process has ended, not because a lease ran out.
        ["Engine:LeaseDuration"] = "00:30:00",
        // More workers than the loop's concurrency: only the loop may limit how many items run at once.
        ["Jobs:WorkerCount"] = "16",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _effects = await SideEffectServer.StartAsync();
    }

    [Fact]
    public async Task A_parent_waiting_for_a_child_killed_mid_step_takes_the_child_output_and_starts_no_second_child()
    {
        var desk = await StartDeskAsync();
        Guid childWorkflow, parent;
        using (var client = desk.ApiClient())
        {
            childWorkflow = await CreateAsync(client, "child", Http("first", "${trigger.body.n}"), Http("slow", "${trigger.body.n}"));
            var parentWorkflow = await CreateAsync(client, "parent", new JsonObject
            {
                ["id"] = "start",
                ["type"] = "workflow.run",
                ["config"] = new JsonObject { ["workflowId"] = childWorkflow, ["input"] = new JsonObject { ["n"] = 1 }, ["wait"] = true },
            });
            parent = await ChildDeskRuns.StartAsync(client, parentWorkflow, 0);
            await Poll.UntilAsync(async () => _effects.SlowHeld == 1 && await StatusAsync(client, parent) == "Waiting", EndLimit,
                () => $"Expected the child inside its slow step and the parent Waiting; slow held {_effects.SlowHeld}.{Environment.NewLine}{Output()}");
        }
        var child = Assert.Single(_effects.Snapshot().Keys, k => k.EndsWith(":slow", StringComparison.Ordinal)).Split(':')[0];

        await desk.KillAsync();
        Assert.True(desk.ExitCode == 128 + 9, $"Expected death by SIGKILL (exit code 137), got {desk.ExitCode}.");

        var restarted = await StartDeskAsync();
        using (var client = restarted.ApiClient())
        {
            // The restarted desk takes the child back and runs its slow step again; only then is the step let go.
            await Poll.UntilAsync(() => Task.FromResult(_effects.SlowHeld == 1), EndLimit,
                () => $"The restarted desk never ran the child's slow step again.{Environment.NewLine}{Output()}");
            _effects.ReleaseSlow();

            var details = await ChildDeskRuns.WaitUntilFinalAsync(client, [parent], EndLimit, Output);
            var parentDetail = details[0];
            Assert.True((string?)parentDetail["status"] == "Succeeded", $"The parent ended {parentDetail["status"]}: {parentDetail["errorHuman"]}");

            var children = await RunsOfAsync(client, childWorkflow);
            var only = Assert.Single(children);
            Assert.Equal(child, (string?)only["id"]);
            Assert.Equal(parent, only["parentExecutionId"]!.GetValue<Guid>());
            var childDetail = await ChildDeskRuns.DetailAsync(client, Guid.Parse(child));
            Assert.Equal("Succeeded", (string?)childDetail["status"]);

            var step = parentDetail["steps"]!.AsArray().Single(s => (string?)s!["stepId"] == "start")!;
            Assert.Equal("Succeeded", (string?)step["status"]);
            Assert.Equal(child, (string?)step["output"]!["executionId"]);
            Assert.True(JsonNode.DeepEquals(childDetail["output"], step["output"]!["output"]),
                $"The parent's step output {step["output"]} does not carry the child's output {childDetail["output"]}.");

            // 'first' was checkpointed before the kill; 'slow' was in flight, so it ran once more (at-least-once), no more.
            Assert.Equal(1, _effects.Arrivals(Guid.Parse(child), "first"));
            Assert.Equal(2, _effects.Arrivals(Guid.Parse(child), "slow"));
            Assert.Equal(2, ChildDeskRuns.Attempts(childDetail, "slow"));
        }
    }

    [Fact]
    public async Task A_foreach_of_200_items_killed_in_the_middle_accounts_for_every_item_and_never_runs_more_than_its_concurrency()
    {
        var desk = await StartDeskAsync();
        Guid itemWorkflow, parent;
        using (var client = desk.ApiClient())
        {
            itemWorkflow = await CreateAsync(client, "item", Http("brief", "${trigger.body.index}"));
            var parentWorkflow = await CreateAsync(client, "loop", new JsonObject
            {
                ["id"] = "each",
                ["type"] = "foreach",
                ["config"] = new JsonObject
                {
                    ["items"] = "${trigger.body.items}",
                    ["workflowId"] = itemWorkflow,
                    ["concurrency"] = Concurrency,
                },
            });
            var body = new JsonObject { ["items"] = new JsonArray(Enumerable.Range(0, Items).Select(i => (JsonNode?)JsonValue.Create($"item {i}")).ToArray()) };
            using var response = await client.PostTextAsync($"/api/v1/workflows/{parentWorkflow}/execute", body.ToJsonString());
            parent = (await response.JsonAsync(HttpStatusCode.Accepted))["executionId"]!.GetValue<Guid>();
            await Poll.UntilAsync(() => Task.FromResult(BriefArrivals(_effects.Snapshot()).Count >= 40), EndLimit,
                () => $"Expected 40 items to reach the side effect, saw {BriefArrivals(_effects.Snapshot()).Count}.{Environment.NewLine}{Output()}");
        }

        await desk.KillAsync();
        Assert.True(desk.ExitCode == 128 + 9, $"Expected death by SIGKILL (exit code 137), got {desk.ExitCode}.");
        var beforeKill = BriefArrivals(_effects.Snapshot());
        Assert.InRange(beforeKill.Count, 40, Items - 1);

        var restarted = await StartDeskAsync();
        using (var client = restarted.ApiClient())
        {
            var parentDetail = (await ChildDeskRuns.WaitUntilFinalAsync(client, [parent], EndLimit, Output))[0];
            Assert.True((string?)parentDetail["status"] == "Succeeded", $"The loop ended {parentDetail["status"]}: {parentDetail["errorHuman"]}");
            var output = parentDetail["steps"]!.AsArray().Single(s => (string?)s!["stepId"] == "each")!["output"]!;
            Assert.Equal(Items, output["count"]!.GetValue<int>());
            Assert.Equal(Items, output["succeeded"]!.GetValue<int>());
            Assert.Equal(0, output["failed"]!.GetValue<int>());

            var results = output["results"]!.AsArray().Select(r => r!).ToList();
            Assert.Equal(Enumerable.Range(0, Items), results.Select(r => r["index"]!.GetValue<int>()));
            Assert.All(results, r => Assert.Equal("Succeeded", (string?)r["status"]));
            var itemRuns = results.Select(r => r["executionId"]!.GetValue<Guid>()).ToList();
            Assert.Equal(Items, itemRuns.Distinct().Count());

            // Exactly one run per item exists, each the loop's child: a crash wrote no second run of any item.
            var runs = await RunsOfAsync(client, itemWorkflow);
            Assert.Equal(itemRuns.Order(), runs.Select(r => r["id"]!.GetValue<Guid>()).Order());
            Assert.All(runs, r => Assert.Equal(parent, r["parentExecutionId"]!.GetValue<Guid>()));
            Assert.All(runs, r => Assert.True((string?)r["status"] == "Succeeded", $"Item run {r["id"]} ended {r["status"]}: {r["errorHuman"]}"));

            // Every item acted at least once; again only those that were in flight at the kill, and only once more.
            var arrivals = itemRuns.ToDictionary(run => run, run => _effects.Arrivals(run, "brief"));
            Assert.All(arrivals, a => Assert.True(a.Value is 1 or 2, $"Item run {a.Key} reached the side effect {a.Value} times."));
            var again = arrivals.Where(a => a.Value == 2).Select(a => a.Key).ToList();
            Assert.All(again, run => Assert.True(beforeKill.ContainsKey($"{run}:brief"), $"Item run {run} acted twice but had not acted before the kill."));
            Assert.True(again.Count <= Concurrency, $"{again.Count} items acted twice; at most the {Concurrency} in flight at the kill may.");

            // Items overlap at the side effect, which holds each a while: never more than the loop's concurrency at once.
            Assert.InRange(_effects.MostBriefAtOnce, 2, Concurrency);
        }
    }

    /// <summary>An <c>http.request</c> to the side-effect server; a sub-workflow's run reads its input as <c>trigger</c>.</summary>
    private JsonObject Http(string step, string value) => new()
    {
        ["id"] = step,
        ["type"] = "http.request",
        ["config"] = new JsonObject { ["method"] = "POST", ["url"] = _effects.Url(step), ["body"] = new JsonObject { ["value"] = value }, ["timeout"] = "00:05:00" },
    };

    private static async Task<Guid> CreateAsync(HttpClient client, string what, params JsonObject[] steps)
    {
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName(what),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(steps),
        };
        return (await Workflows.CreateAsync(client, definition))["id"]!.GetValue<Guid>();
    }

    private static async Task<string?> StatusAsync(HttpClient client, Guid executionId) =>
        (string?)(await ChildDeskRuns.DetailAsync(client, executionId))["status"];

    /// <summary>Every run of a workflow, as the list API shows them (one page: the tests make fewer than 500).</summary>
    private static async Task<List<JsonObject>> RunsOfAsync(HttpClient client, Guid workflowId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/executions?workflowId={workflowId}&pageSize=500", UriKind.Relative));
        var page = await response.JsonAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal(page["total"]!.GetValue<int>(), items.Count);
        return items;
    }

    private static Dictionary<string, int> BriefArrivals(IReadOnlyDictionary<string, int> snapshot) =>
        snapshot.Where(a => a.Key.EndsWith(":brief", StringComparison.Ordinal)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    private async Task<DeskProcess> StartDeskAsync()
    {
        _output.Enqueue($"--- desk start {_desks.Count + 1} ---");
        var desk = await DeskProcess.StartAsync(DatabasePath, Settings, _output);
        _desks.Add(desk);
        return desk;
    }

    private string Output() => "Desk output:" + Environment.NewLine + string.Join(Environment.NewLine, _output);

    public async Task DisposeAsync()
    {
        foreach (var desk in _desks)
        {
            await desk.DisposeAsync();
        }
        await _effects.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind.
        }
    }
}
