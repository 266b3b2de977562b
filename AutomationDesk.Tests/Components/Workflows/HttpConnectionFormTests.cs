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

/// <summary>The http.request form offers the desk's HTTP connections and writes the chosen one into the step's config.</summary>
public sealed class HttpConnectionFormTests : DeskPageTest
{
    public HttpConnectionFormTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    [Fact]
    public async Task HttpConnection_chosen_in_the_form_lands_in_the_config_and_none_removes_it()
    {
        await Services.GetRequiredService<ConnectionStore>().CreateAsync(new ConnectionInput("gh", "github", [],
            new Dictionary<string, string?> { ["token"] = "ghp_form_token_1" }), Actor.System, CancellationToken.None);
        var popovers = Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.AddStep("http.request");
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent(builder =>
            {
                builder.OpenComponent<HttpRequestForm>(0);
                builder.AddAttribute(1, nameof(StepForm.StepIndex), 0);
                builder.CloseComponent();
            }));
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Connection");

        await cut.InvokeAsync(() => select.Instance.OpenMenu());
        popovers.WaitForAssertion(() => Assert.Contains("gh (github)", popovers.Markup), TimeSpan.FromSeconds(10));
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("gh"));
        Assert.Equal("gh", (string?)draft.Config(0)["connection"]);

        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(""));
        Assert.False(draft.Config(0).ContainsKey("connection"));
    }
}
