using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Connections;

[Collection(ConnectionsDeskCollection.Name)]
public sealed class SettingsApiTests(ConnectionsDesk desk) : IAsyncLifetime
{
    private readonly List<string> _stored = [];

    private DeskApp App => desk.App;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The rows written past the store go again: the background refresh would find them failing (no such type here).</summary>
    public async Task DisposeAsync()
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        await db.Connections.Where(c => _stored.Contains(c.Name)).ExecuteDeleteAsync();
    }

    private Task<HttpResponseMessage> PutAsync(HttpClient client, string key, JsonNode? value) =>
        client.PutTextAsync($"/api/v1/settings/{key}", new JsonObject { ["value"] = value }.ToJsonString());

    /// <summary>A connection row of a type this branch has no class for (smtp, openai): the setting checks only its name and type.</summary>
    private async Task<string> StoredConnectionAsync(string type)
    {
        var name = ConnectionsDesk.UniqueName(type);
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        db.Connections.Add(new Connection { Id = Guid.CreateVersion7(), Name = name, Type = type, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        _stored.Add(name);
        return name;
    }

    [Fact]
    public async Task The_default_email_connection_must_be_an_smtp_connection_that_exists()
    {
        var smtp = await StoredConnectionAsync("smtp");
        var loopback = ConnectionsDesk.UniqueName("not-smtp");
        await desk.CreateAsync(loopback);

        using (var missing = await PutAsync(App.Admin, "email.defaultConnection", "no-such-connection"))
        {
            var problem = await missing.ProblemAsync(HttpStatusCode.BadRequest, "value");
            Assert.Contains("no connection 'no-such-connection'", (string)problem["detail"]!, StringComparison.Ordinal);
        }
        using (var wrongType = await PutAsync(App.Admin, "email.defaultConnection", loopback))
        {
            var problem = await wrongType.ProblemAsync(HttpStatusCode.BadRequest, "value");
            Assert.Contains("is a loopback connection", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Contains("smtp", (string)problem["detail"]!, StringComparison.Ordinal);
        }
        using (var notText = await PutAsync(App.Admin, "email.defaultConnection", 42))
        {
            await notText.ProblemAsync(HttpStatusCode.BadRequest, "value");
        }
        using (var set = await PutAsync(App.Admin, "email.defaultConnection", smtp))
        {
            Assert.Equal(smtp, (string)(await set.JsonAsync(HttpStatusCode.OK))["value"]!);
        }

        Assert.Equal(smtp, (string)(await App.Viewer.GetJsonAsync("/api/v1/settings/email.defaultConnection"))["value"]!);
    }

    [Fact]
    public async Task The_default_ai_connection_may_be_openai_or_anthropic()
    {
        var anthropic = await StoredConnectionAsync("anthropic");
        var smtp = await StoredConnectionAsync("smtp");

        using (var wrong = await PutAsync(App.Admin, "ai.defaultConnection", smtp))
        {
            var problem = await wrong.ProblemAsync(HttpStatusCode.BadRequest, "value");
            Assert.Contains("openai or anthropic", (string)problem["detail"]!, StringComparison.Ordinal);
        }
        using var set = await PutAsync(App.Admin, "ai.defaultConnection", anthropic);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
    }

    [Fact]
    public async Task Variables_and_retention_keys_take_any_json_and_an_unknown_key_is_refused_listing_the_known_ones()
    {
        using (var variable = await PutAsync(App.Admin, "vars.region", new JsonObject { ["name"] = "eu", ["zones"] = new JsonArray(1, 2) }))
        {
            Assert.Equal("eu", (string)(await variable.JsonAsync(HttpStatusCode.OK))["value"]!["name"]!);
        }
        using (var days = await PutAsync(App.Admin, "retention.executionsDays", 14))
        {
            Assert.Equal(HttpStatusCode.OK, days.StatusCode);
        }
        using (var unknown = await PutAsync(App.Admin, "retention.forever", true))
        {
            var problem = await unknown.ProblemAsync(HttpStatusCode.BadRequest, "key");
            Assert.Contains("desk.publicBaseUrl", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Contains("vars.<name>", (string)problem["detail"]!, StringComparison.Ordinal);
        }
        using (var badVar = await PutAsync(App.Admin, "vars.9lives", 1))
        {
            await badVar.ProblemAsync(HttpStatusCode.BadRequest, "key");
        }
        using (var noValue = await App.Admin.PutTextAsync("/api/v1/settings/vars.region", """{ "valeu": 1 }"""))
        {
            await noValue.ProblemAsync(HttpStatusCode.BadRequest, "value");
        }

        var all = JsonNode.Parse(await App.Admin.GetStringAsync("/api/v1/settings"))!.AsArray();
        Assert.Equal(14, (int)all.Single(s => (string)s!["key"]! == "retention.executionsDays")!["value"]!);

        using (var deleted = await App.Admin.DeleteAsync("/api/v1/settings/vars.region"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var gone = await App.Viewer.GetAsync("/api/v1/settings/vars.region");
        await gone.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_an_admin_lists_or_changes_settings()
    {
        using (var list = await App.Editor.GetAsync("/api/v1/settings"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        }
        using (var set = await PutAsync(App.Editor, "vars.region", "eu"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, set.StatusCode);
        }
        using var delete = await App.Viewer.DeleteAsync("/api/v1/settings/vars.region");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }
}
