using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>
/// The templates gallery: every template as a card (what it does, its triggers and step types, the connections and
/// secrets it needs), searched and filtered by category. Using one creates its workflows and opens the editor on the
/// main one, which lists what is left to fill in.
/// </summary>
public sealed partial class TemplateGallery
{
    private IReadOnlyList<TemplateSummary> _all = [];
    private string? _search;
    private string? _category;
    private string? _refusal;
    private bool _busy;

    [Inject] public required WorkflowTemplates Templates { get; set; }
    [Inject] public required ISnackbar Snackbar { get; set; }
    [Inject] public required NavigationManager Navigation { get; set; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; set; }
    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    private IEnumerable<string> Categories => _all.Select(t => t.Category).Distinct().Order(StringComparer.Ordinal);

    /// <summary>The templates of the chosen category in which every word of the search appears (name, description, category, step types, connections).</summary>
    private List<TemplateSummary> Shown
    {
        get
        {
            var words = (_search ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return _all.Where(t => _category is null || t.Category == _category)
                .Where(t => words.All(word => Searchable(t).Contains(word, StringComparison.OrdinalIgnoreCase)))
                .ToList();
        }
    }

    protected override void OnInitialized() => _all = Templates.List();

    private static string Searchable(TemplateSummary template) => string.Join(" ",
        [template.Name, template.Description, template.Category, .. template.StepTypes, .. template.Triggers, .. template.Connections.Select(c => $"{c.Name} {c.Type}")]);

    private void Search(string? text) => _search = text;

    private void ChooseCategory(string category) => _category = _category == category ? null : category;

    private void ClearFilters() => (_search, _category) = (null, null);

    private async Task UseAsync(TemplateSummary template)
    {
        _busy = true;
        _refusal = null;
        try
        {
            var user = AuthenticationState is null ? null : (await AuthenticationState).User;
            var actor = user?.ToActor() ?? Actor.User("anonymous");
            var instance = await Templates.InstantiateAsync(template.Id, actor, createConnections: user?.IsInRole(DeskRoles.Admin) == true, CancellationToken.None);
            var disabled = instance.Workflows.Where(w => !w.Enabled).Select(w => $"'{w.Name}'").ToList();
            Snackbar.Add($"Created {string.Join(", ", instance.Workflows.Select(w => $"'{w.Name}'"))} from the template."
                + (disabled.Count == 0 ? "" : $" Disabled until you enable {(disabled.Count == 1 ? "it" : "them")}: {string.Join(", ", disabled)}."), Severity.Success);
            Dialog.Close(DialogResult.Ok(instance));
            Navigation.NavigateTo($"workflows/{instance.MainWorkflowId}?template={Uri.EscapeDataString(template.Id)}");
        }
        catch (DeskProblemException e)
        {
            _refusal = $"{e.Title}: {e.Message}";
        }
        finally
        {
            _busy = false;
        }
    }
}
