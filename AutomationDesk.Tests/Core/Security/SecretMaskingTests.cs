using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Security;
using AutomationDesk.Tests.Support;
using Microsoft.Data.Sqlite;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Security;

public sealed class SecretMaskingTests : IAsyncLifetime
{
    // A space, '/', '+' and '=' are escaped differently by Uri, by EscapeDataString and by form encoding.
    private const string Value = "hunter2 sky/blue+green=";
    private readonly ConcurrentQueue<EchoServer.Received> _received = new();
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app => app.MapEcho(_received));
        await _desk.Get<SecretStore>().SetAsync("token", Value, Actor.User("admin@desk.test"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private Task<AutomationDesk.Core.Execution.Execution> RunWithSecretEverywhereAsync() => _desk.RunAsync(Workflow(
        Http("call", _server.Url("/echo/") + "${secrets.token}", "POST")
            .With("query", new JsonObject { ["key"] = "${secrets.token}" })
            .With("headers", new JsonObject { ["Authorization"] = "Bearer ${secrets.token}" })
            .With("body", new JsonObject { ["password"] = "${secrets.token}" }),
        Transform("copy", new JsonObject { ["whole"] = "${secrets.token}", ["inside"] = "key=${secrets.token};" })));

    [Fact]
    public async Task A_secret_template_resolves_to_the_clear_value_for_the_call()
    {
        var execution = await RunWithSecretEverywhereAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var seen = Assert.Single(_received);
        Assert.Equal($"Bearer {Value}", seen.Headers["authorization"]);
        Assert.Equal("?key=" + Uri.EscapeDataString(Value), seen.Query);
        Assert.Equal(Value, JsonNode.Parse(seen.Body)!["password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stored_inputs_outputs_and_logs_show_the_secret_masked()
    {
        var execution = await RunWithSecretEverywhereAsync();

        var logs = await _desk.LogsAsync(execution.Id);
        var call = execution.Steps[0];
        var copy = execution.Steps[1];
        Assert.Equal("Bearer ***", StoredJson.Parse(call.InputJson)!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("""{"whole":"***","inside":"key=***;"}""", copy.OutputJson);
        Assert.Equal("?key=***", StoredJson.Parse(call.OutputJson)!["body"]!["query"]!.GetValue<string>());
        Assert.Contains(logs, l => l.Message == $"POST {_server.Url("/echo/")}***?key=***");
        Assert.Equal(copy.OutputJson, execution.OutputJson);
        foreach (var text in logs.Select(l => l.Message + l.DataJson).Concat([call.InputJson, call.OutputJson, copy.InputJson, execution.OutputJson]))
        {
            Assert.False(text?.Contains("hunter2", StringComparison.Ordinal), text);
        }
    }

    [Fact]
    public async Task A_failed_call_reports_its_URL_with_the_secret_masked()
    {
        // Port 9 (discard) is closed on loopback, so the call fails with the URL in its error.
        var execution = await _desk.RunAsync(Workflow(Http("call", "http://127.0.0.1:9/hook/${secrets.token}")
            .With("query", new JsonObject { ["key"] = "${secrets.token}" })));

        var step = execution.Steps[0];
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.StartsWith("Could not reach http://127.0.0.1:9/hook/***?key=***", step.ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("***", execution.ErrorHuman, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", execution.ErrorHuman + step.ErrorTech + execution.ErrorTech, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_files_never_hold_the_clear_value_in_any_form()
    {
        await RunWithSecretEverywhereAsync();
        SqliteConnection.ClearAllPools();

        var bytes = DatabaseBytes();

        Assert.Single(_received);
        Assert.True(IndexOf(bytes, "Test workflow") >= 0, "The database files were not read.");
        Assert.True(IndexOf(bytes, "token") >= 0, "The secret's row is missing.");
        // Every escaped form of the value starts with this.
        Assert.Equal(-1, IndexOf(bytes, "hunter2"));
    }

    /// <summary>The main file, the write-ahead log and its index: everything SQLite keeps on disk.</summary>
    private byte[] DatabaseBytes()
    {
        var folder = Path.GetDirectoryName(_desk.DatabasePath)!;
        using var all = new MemoryStream();
        foreach (var file in Directory.GetFiles(folder, "desk.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }
        return all.ToArray();
    }

    private static int IndexOf(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));
}
