using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// Toasts that announce something with a page of its own (a run started, a workflow created) carry an "Open" action to
/// that page. Such a toast still hides by itself: a person who wants the page follows the link, nobody has to close it.
/// </summary>
public static class LinkToasts
{
    public const string OpenAction = "Open";

    public static Snackbar? AddWithLink(this ISnackbar snackbar, string message, Severity severity, NavigationManager navigation, string href) =>
        snackbar.Add(message, severity, options =>
        {
            options.Action = OpenAction;
            options.ActionColor = Color.Inherit;
            options.RequireInteraction = false;
            options.OnClick = _ =>
            {
                navigation.NavigateTo(href);
                return Task.CompletedTask;
            };
        });

    /// <summary>"Run started — open": the one wording for every run a person starts from the UI.</summary>
    public static Snackbar? AddRunStarted(this ISnackbar snackbar, string workflowName, Guid executionId, NavigationManager navigation) =>
        snackbar.AddWithLink($"Run of '{workflowName}' started", Severity.Info, navigation, $"executions/{executionId}");
}
