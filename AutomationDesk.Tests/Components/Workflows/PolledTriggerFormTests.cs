using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The trigger form's email and file sections.</summary>
public sealed class PolledTriggerFormTests : DeskPageTest
{
    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderTrigger(string trigger, bool validate = true)
    {
        Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.Root["name"] = "Polled";
        draft.Root["trigger"] = JsonNode.Parse(trigger);
        draft.AddStep("transform");
        if (validate)
        {
            draft.Validate();
        }
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent<TriggerForm>());
        return (draft, cut);
    }

    [Fact]
    public void The_email_section_picks_an_imap_connection_and_edits_folder_every_and_mark_as_seen()
    {
        var (draft, cut) = RenderTrigger("""{ "type": "email", "email": { "connection": "", "folder": "INBOX", "every": "00:01:00", "markSeen": true } }""", validate: false);

        Assert.Equal(ImapConnection.TypeName, cut.FindComponent<ConnectionPicker>().Instance.Type);
        cut.Find("div[data-field='trigger.email.folder'] input").Input("Orders");
        cut.Find("div[data-field='trigger.email.every'] input").Input("00:05:00");
        cut.Find("div[data-field='trigger.email.markSeen'] input").Change(false);
        var email = draft.Trigger["email"]!;
        Assert.Equal("Orders", (string?)email["folder"]);
        Assert.Equal("00:05:00", (string?)email["every"]);
        Assert.False(email["markSeen"]!.GetValue<bool>());
    }

    [Fact]
    public void The_file_section_edits_folder_pattern_every_and_names_a_folder_outside_the_root_at_its_field()
    {
        var (draft, cut) = RenderTrigger("""{ "type": "file", "file": { "folder": "incoming", "pattern": "*", "every": "00:00:30", "then": "move" } }""");
        Assert.NotNull(cut.Find("div[data-field='trigger.file.then']"));

        cut.Find("div[data-field='trigger.file.pattern'] input").Input("*.csv");
        cut.Find("div[data-field='trigger.file.folder'] input").Input("../etc");

        Assert.Equal("*.csv", (string?)draft.Trigger["file"]!["pattern"]);
        cut.WaitForAssertion(() => Assert.Contains("leaves Files:Root", cut.Find("div[data-field='trigger.file.folder']").TextContent, StringComparison.Ordinal));
    }
}
