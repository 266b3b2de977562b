using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Security;

/// <summary>Signing secrets a desk from before stored in clear are encrypted at start, and still verify.</summary>
public sealed class SigningSecretEncryptionTests : IAsyncLifetime
{
    private const string Secret = "clear-signing-secret-1";
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task Secrets_stored_in_clear_are_encrypted_in_workflows_versions_and_inbox_sources()
    {
        var id = await _desk.SaveAsync(new JsonObject
        {
            ["schemaVersion"] = 1, ["name"] = "Old hook",
            ["trigger"] = new JsonObject
            {
                ["type"] = "webhook",
                ["webhook"] = new JsonObject { ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["secret"] = "${secrets.placeholder}" } },
            },
            ["steps"] = new JsonArray(Definitions.Transform("t", new JsonObject { ["a"] = 1 })),
        });
        await using (var db = _desk.NewDb())
        {
            // As a desk from before wrote them.
            await db.Workflows.Where(w => w.Id == id).ExecuteUpdateAsync(s => s.SetProperty(w => w.DefinitionJson, w => w.DefinitionJson.Replace("${secrets.placeholder}", Secret)));
            await db.WorkflowVersions.Where(v => v.WorkflowId == id).ExecuteUpdateAsync(s => s.SetProperty(v => v.DefinitionJson, v => v.DefinitionJson.Replace("${secrets.placeholder}", Secret)));
            db.InboxSources.Add(new InboxSource { Id = Guid.CreateVersion7(), Name = "old-source", Secret = Secret, CreatedAt = CoreDesk.Epoch, UpdatedAt = CoreDesk.Epoch });
            await db.SaveChangesAsync();
        }

        var changed = await _desk.Get<SigningSecretEncryption>().EncryptStoredAsync(CancellationToken.None);

        Assert.Equal(3, changed);
        await using var check = _desk.NewDb();
        var workflow = await check.Workflows.AsNoTracking().SingleAsync(w => w.Id == id);
        var version = await check.WorkflowVersions.AsNoTracking().SingleAsync(v => v.WorkflowId == id);
        var source = await check.InboxSources.AsNoTracking().SingleAsync(s => s.Name == "old-source");
        Assert.DoesNotContain(Secret, workflow.DefinitionJson + version.DefinitionJson + source.Secret, StringComparison.Ordinal);
        Assert.Equal(1, workflow.Version);
        var signature = JsonNode.Parse(workflow.DefinitionJson)!["trigger"]!["webhook"]!["signature"]!;
        var verdict = await _desk.Get<WebhookSignatures>().VerifyAsync(
            new WebhookSignature { Scheme = "hmac-sha256", Secret = (string)signature["secret"]! },
            new Dictionary<string, string> { ["X-Signature-256"] = WebhookSigning.GitHub(Secret, "{}") }, Encoding.UTF8.GetBytes("{}"), CancellationToken.None);
        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(0, await _desk.Get<SigningSecretEncryption>().EncryptStoredAsync(CancellationToken.None));
    }
}
