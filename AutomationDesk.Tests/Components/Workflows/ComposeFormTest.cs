using AutomationDesk.Core.Auditing;
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

/// <summary>The forms of the steps that run other workflows: saved workflows to pick, a form rendered inside a draft.</summary>
public abstract class ComposeFormTest : DeskPageTest
{
    protected ComposeFormTest() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    protected async Task<Guid> SaveWorkflowAsync(string name)
    {
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(Drafts.Greeting(name), Actor.System, CancellationToken.None);
        return saved["id"]!.GetValue<Guid>();
    }

    protected (WorkflowDraft Draft, IRenderedComponent<CascadingValue<WorkflowDraft>> Cut) RenderForm(string type, Guid? editing = null)
    {
        Popovers = Render<MudPopoverProvider>();
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>()) { WorkflowId = editing };
        draft.Root["name"] = "Compose";
        draft.AddStep("transform");
        draft.AddStep(type);
        var form = StepForm.FormFor(type)!;
        var cut = Render<CascadingValue<WorkflowDraft>>(p => p
            .Add(c => c.Value, draft)
            .AddChildContent(builder =>
            {
                builder.OpenComponent(0, form);
                builder.AddAttribute(1, nameof(StepForm.StepIndex), 1);
                builder.CloseComponent();
            }));
        return (draft, cut);
    }

    /// <summary>Types into the workflow picker and clicks the offered workflow whose text contains <paramref name="name"/>.</summary>
    protected async Task PickWorkflowAsync(IRenderedComponent<IComponent> cut, string name, string path = "steps[1].config.workflowId")
    {
        cut.Find($"div[data-field='{path}'] input").Input(name);
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Contains(name)), TimeSpan.FromSeconds(10));
        await Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains(name)).ClickAsync(new());
    }
}
