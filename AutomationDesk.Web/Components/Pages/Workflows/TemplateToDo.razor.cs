using AutomationDesk.Core.Workflows;
using Microsoft.AspNetCore.Components;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// Shown in the editor of a workflow just made from a template: which of the connections and secrets the template
/// names are still missing or incomplete on this desk, read when the editor opens, so it reflects what is there now.
/// </summary>
public sealed partial class TemplateToDo
{
    private TemplateSummary? _template;
    private TemplateNeeds? _needs;

    [Inject] public required WorkflowTemplates Templates { get; set; }

    [Parameter, EditorRequired] public required string TemplateId { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _template = Templates.Find(TemplateId)?.Summary;
        _needs = await Templates.NeedsAsync(TemplateId, CancellationToken.None);
    }
}
