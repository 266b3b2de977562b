using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows.StepForms;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class EmailSendFormTests : DeskPageTest
{
    private const string Connection = "Connection";

    public EmailSendFormTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Theory]
    [InlineData("to", "boss@desk.test, ${trigger.body.email}", "\"boss@desk.test, ${trigger.body.email}\"")]
    [InlineData("cc", "cfo@desk.test", "\"cfo@desk.test\"")]
    [InlineData("bcc", "audit@desk.test", "\"audit@desk.test\"")]
    [InlineData("replyTo", "help@desk.test", "\"help@desk.test\"")]
    [InlineData("from", "Reports <reports@desk.test>", "\"Reports <reports@desk.test>\"")]
    [InlineData("subject", "Report for ${trigger.body.day}", "\"Report for ${trigger.body.day}\"")]
    [InlineData("body", "Line one\nLine two", "\"Line one\\nLine two\"")]
    [InlineData("html", "<p>Hi</p>", "\"<p>Hi</p>\"")]
    [InlineData("attachments", "${steps.render.output.outputs}", "\"${steps.render.output.outputs}\"")]
    [InlineData("attachments", "[\"0190a1b2-0000-7000-8000-000000000001\"]", "[\"0190a1b2-0000-7000-8000-000000000001\"]")]
    public void Email_form_puts_what_is_typed_into_the_step_config(string field, string typed, string expectedJson)
    {
        var (draft, cut) = RenderForm();

        cut.Find($"div[data-field='steps[0].config.{field}'] textarea, div[data-field='steps[0].config.{field}'] input").Input(typed);

        Assert.Equal(expectedJson, draft.Config(0)[field]?.ToJsonString(DeskJson.Options));
    }

    [Fact]
    public async Task Email_form_offers_the_smtp_connections_and_the_default()
    {
        var store = Services.GetRequiredService<ConnectionStore>();
        var admin = Actor.User("admin@desk.test");
        await store.CreateAsync(new ConnectionInput("mail", "smtp", new JsonObject { ["host"] = "mail.example.com", ["from"] = "a@example.com" }, null), admin, CancellationToken.None);
        await store.CreateAsync(new ConnectionInput("relay", "smtp", new JsonObject { ["host"] = "relay.example.com", ["from"] = "b@example.com" }, null), admin, CancellationToken.None);
        await store.CreateAsync(new ConnectionInput("inbox", "imap", new JsonObject { ["host"] = "imap.example.com", ["userName"] = "desk" },
            new Dictionary<string, string?> { ["password"] = "pw-123456" }), admin, CancellationToken.None);
        var (draft, cut) = RenderForm();

        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == Connection);
        var offered = cut.FindComponents<MudSelectItem<string>>().Select(i => i.Instance.Value).ToList();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("relay"));
        var chosen = draft.Config(0)["connection"]?.ToJsonString();
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(""));

        Assert.Equal(["", "mail", "relay"], offered);
        Assert.Equal("\"relay\"", chosen);
        Assert.False(draft.Config(0).ContainsKey("connection"));
    }

    [Fact]
    public void Email_form_shows_a_list_of_addresses_as_one_comma_separated_text()
    {
        var (draft, cut) = RenderForm(config => config["to"] = new JsonArray("a@desk.test", "b@desk.test"));

        var field = cut.Find("div[data-field='steps[0].config.to'] input");

        Assert.Equal("a@desk.test, b@desk.test", field.GetAttribute("value"));
        Assert.IsType<JsonArray>(draft.Config(0)["to"]);
    }

    [Fact]
    public void Email_form_shows_core_s_error_at_the_subject_left_empty()
    {
        var (draft, cut) = RenderForm();

        draft.ShowAllErrors();
        cut.Find("div[data-field='steps[0].config.subject'] input").Input("");

        Assert.Contains("Required.", cut.Find("div[data-field='steps[0].config.subject']").TextContent);
    }

    private (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderForm(Action<JsonObject>? prepare = null)
    {
        Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.AddStep("email.send");
        prepare?.Invoke(draft.Config(0));
        draft.Touch();
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent(builder =>
            {
                builder.OpenComponent(0, typeof(EmailSendForm));
                builder.AddAttribute(1, nameof(StepForm.StepIndex), 0);
                builder.CloseComponent();
            }));
        return (draft, cut);
    }
}
