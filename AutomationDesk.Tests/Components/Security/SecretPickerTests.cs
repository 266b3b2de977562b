using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Components.Admin;
using AutomationDesk.Web.Components.Pages.Inbox;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Security;

/// <summary>The webhook trigger and the inbox source editor offer the stored secrets by name and write a reference.</summary>
public sealed class SecretPickerTests : RolePageTest
{
    private const string Picker = "Use a stored secret";

    [Fact]
    public async Task Picking_a_stored_secret_writes_its_reference_into_the_webhook_signature()
    {
        Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.Root["name"] = "Signed";
        draft.Root["trigger"] = JsonNode.Parse("""{ "type": "webhook", "webhook": { "signature": { "scheme": "hmac-sha256", "secret": "***" } } }""");
        var form = Render<CascadingValue<TemplateHints>>(p => p
            .Add(c => c.Value, TemplateHints.None with { Secrets = ["github_hook", "stripe_live"] })
            .AddChildContent<CascadingValue<WorkflowDraft>>(d => d.Add(c => c.Value, draft).AddChildContent<TriggerForm>()));

        var picker = form.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == Picker).Instance;
        await form.InvokeAsync(() => picker.ValueChanged.InvokeAsync("stripe_live"));

        Assert.Equal("${secrets.stripe_live}", (string?)draft.Root["trigger"]!["webhook"]!["signature"]!["secret"]);
    }

    [Fact]
    public async Task Picking_a_stored_secret_for_an_inbox_source_saves_its_reference()
    {
        SignInAs(DeskRoles.Admin);
        await Services.GetRequiredService<SecretStore>().SetAsync("github_hook", "gh-hook-secret-1", Actor.System, CancellationToken.None);
        var editor = Render<InboxSourceEditor>();
        editor.WaitForAssertion(() => Assert.Single(editor.FindComponents<MudSelect<string>>(), s => s.Instance.Label == Picker), TimeSpan.FromSeconds(10));

        InputOf(editor, "source-name").Change("picked");
        await editor.InvokeAsync(() => editor.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == Picker).Instance.ValueChanged.InvokeAsync("github_hook"));
        await editor.Find("[data-testid=save-source]").ClickAsync(new());

        var saved = await Services.GetRequiredService<InboxStore>().GetSourceAsync("picked", CancellationToken.None);
        Assert.Equal("${secrets.github_hook}", saved!.SecretReference);
    }
}
