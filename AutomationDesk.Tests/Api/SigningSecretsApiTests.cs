using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>Signing secrets typed into a webhook trigger or an inbox source: stored encrypted, shown to nobody, kept when the mask comes back.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class SigningSecretsApiTests(DeskApp desk)
{
    private const string Secret = "gh-signing-secret-4242";
    private const string Body = """{"action":"opened"}""";

    private static JsonObject Signed(string secret = Secret) => Webhooks.Echo(new JsonObject
    {
        ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["header"] = "X-Hub-Signature-256", ["secret"] = secret },
    });

    private Task<HttpResponseMessage> PostSignedAsync(Webhooks.Hook hook, string secret = Secret) =>
        Webhooks.PostAsync(desk, hook.Path, Body, headers: new Dictionary<string, string> { ["X-Hub-Signature-256"] = WebhookSigning.GitHub(secret, Body) });

    private static string? SecretOf(JsonNode? workflow) => (string?)workflow?["trigger"]?["webhook"]?["signature"]?["secret"];

    [Fact]
    public async Task Viewers_and_admins_see_the_signing_secret_masked_in_the_workflow_and_its_versions()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());

        foreach (var client in new[] { desk.Viewer, desk.Admin })
        {
            Assert.Equal("***", SecretOf(await client.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}")));
            Assert.Equal("***", SecretOf((await client.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}/versions/1"))["definition"]));
            using var versions = await client.GetAsync($"/api/v1/workflows/{hook.WorkflowId}/versions");
            Assert.DoesNotContain(Secret, await versions.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Saving_the_workflow_with_the_mask_keeps_the_secret_and_signatures_still_verify()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());
        var shown = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}");
        shown["description"] = "Edited without typing the secret again";

        using var save = await desk.Editor.PutAsJsonAsync($"/api/v1/workflows/{hook.WorkflowId}", shown);
        using var good = await PostSignedAsync(hook);
        using var bad = await PostSignedAsync(hook, "***");

        var saved = await save.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)saved["version"]!);
        Assert.Equal("***", SecretOf(saved));
        await good.AcceptedAsync();
        await bad.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Saving_back_the_unchanged_workflow_adds_no_version()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());
        var shown = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}");

        using var save = await desk.Editor.PutAsJsonAsync($"/api/v1/workflows/{hook.WorkflowId}", shown);

        Assert.Equal(1, (int)(await save.JsonAsync(HttpStatusCode.OK))["version"]!);
    }

    [Fact]
    public async Task A_new_secret_typed_on_edit_replaces_the_old_one()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());
        var shown = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}");
        shown["trigger"]!["webhook"]!["signature"]!["secret"] = "gh-rotated-secret-99";

        using var save = await desk.Editor.PutAsJsonAsync($"/api/v1/workflows/{hook.WorkflowId}", shown);
        using var old = await PostSignedAsync(hook);
        using var rotated = await PostSignedAsync(hook, "gh-rotated-secret-99");

        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        await old.ProblemAsync(HttpStatusCode.Unauthorized);
        await rotated.AcceptedAsync();
    }

    [Fact]
    public async Task A_copy_made_from_the_shown_workflow_keeps_its_signing_secret()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());
        var shown = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}");
        shown["name"] = Workflows.UniqueName("Copy");

        var copy = await Webhooks.CreateAsync(desk, shown);
        using var good = await PostSignedAsync(copy);

        Assert.NotEqual(hook.WorkflowId, copy.WorkflowId);
        await good.AcceptedAsync();
    }

    [Fact]
    public async Task The_database_rows_do_not_hold_the_typed_secret()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed());

        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var stored = await db.Workflows.AsNoTracking().Where(w => w.Id == hook.WorkflowId).Select(w => w.DefinitionJson).SingleAsync();
        var version = await db.WorkflowVersions.AsNoTracking().Where(v => v.WorkflowId == hook.WorkflowId).Select(v => v.DefinitionJson).SingleAsync();
        Assert.DoesNotContain(Secret, stored + version, StringComparison.Ordinal);
        Assert.StartsWith("encrypted:", SecretOf(JsonNode.Parse(stored)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_workflow_whose_secret_is_the_mask_is_refused()
    {
        using var response = await desk.Editor.PostAsJsonAsync("/api/v1/workflows", Signed("***"));

        await response.ProblemAsync(HttpStatusCode.BadRequest, "trigger.webhook.signature.secret");
    }

    [Fact]
    public async Task A_secret_reference_is_shown_as_written()
    {
        var hook = await Webhooks.CreateAsync(desk, Signed("${secrets.github_hook}"));

        Assert.Equal("${secrets.github_hook}", SecretOf(await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{hook.WorkflowId}")));
    }

    [Fact]
    public async Task A_new_inbox_source_whose_secret_is_the_mask_is_refused()
    {
        using var response = await desk.Admin.PostAsJsonAsync("/api/v1/inbox/sources", new { name = $"masked-{Guid.NewGuid():N}", preset = "github", secret = "***" });

        await response.ProblemAsync(HttpStatusCode.BadRequest, "secret");
    }

    [Fact]
    public async Task An_inbox_source_secret_is_stored_encrypted_and_kept_when_the_mask_is_sent_back()
    {
        var name = $"signed-{Guid.NewGuid():N}";
        const string secret = "gh-inbox-secret-7777";
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name, preset = "github", secret }, HttpStatusCode.Created);

        using var update = await desk.Admin.PutAsJsonAsync($"/api/v1/inbox/sources/{name}", new { preset = "github", secret = "***", enabled = true });
        using var good = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{name}", Body, headers: new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "issues", ["X-Hub-Signature-256"] = WebhookSigning.GitHub(secret, Body),
        });
        using var bad = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{name}", Body, headers: new Dictionary<string, string>
        {
            ["X-GitHub-Event"] = "issues", ["X-Hub-Signature-256"] = WebhookSigning.GitHub("***", Body),
        });

        var updated = await update.JsonAsync(HttpStatusCode.OK);
        Assert.True((bool)updated["secretSet"]!);
        Assert.DoesNotContain(secret, updated.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        await bad.ProblemAsync(HttpStatusCode.Unauthorized);
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var stored = await db.InboxSources.AsNoTracking().Where(s => s.Name == name).Select(s => s.Secret).SingleAsync();
        Assert.StartsWith("encrypted:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
    }
}
