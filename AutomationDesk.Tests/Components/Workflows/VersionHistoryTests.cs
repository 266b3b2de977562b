using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class VersionHistoryTests : DeskPageTest
{
    [Fact]
    public async Task The_version_diff_shows_a_typed_signing_secret_as_the_mask_never_its_ciphertext()
    {
        var definition = Workflow("Signed", Transform("a", 1));
        definition["trigger"] = new JsonObject
        {
            ["type"] = "webhook",
            ["webhook"] = new JsonObject { ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["secret"] = "typed-signing-secret-1" } },
        };
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.System, CancellationToken.None);

        var history = Render<VersionHistory>(p => p.Add(h => h.WorkflowId, saved["id"]!.GetValue<Guid>()).Add(h => h.CurrentVersion, 1));

        history.WaitForAssertion(() => Assert.Contains("\"secret\": \"***\"", history.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("encrypted:", history.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("typed-signing-secret-1", history.Markup, StringComparison.Ordinal);
    }
}
