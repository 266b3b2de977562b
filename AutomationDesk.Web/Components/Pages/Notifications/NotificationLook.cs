using AutomationDesk.Core.Notifications;
using MudBlazor;

namespace AutomationDesk.Web.Components.Pages.Notifications;

/// <summary>How a notification looks wherever it is shown: the bell, its snackbar, the notifications page.</summary>
public static class NotificationLook
{
    public static string IconOf(NotificationType type) => type switch
    {
        NotificationType.Success => Icons.Material.Filled.CheckCircle,
        NotificationType.Warning => Icons.Material.Filled.Warning,
        NotificationType.Error => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.Info,
    };

    public static Color ColorOf(NotificationType type) => type switch
    {
        NotificationType.Success => Color.Success,
        NotificationType.Warning => Color.Warning,
        NotificationType.Error => Color.Error,
        _ => Color.Info,
    };

    public static Severity SeverityOf(NotificationType type) => type switch
    {
        NotificationType.Success => Severity.Success,
        NotificationType.Warning => Severity.Warning,
        NotificationType.Error => Severity.Error,
        _ => Severity.Info,
    };

    public static Color ColorOf(NotificationPriority priority) => priority switch
    {
        NotificationPriority.Urgent => Color.Error,
        NotificationPriority.High => Color.Warning,
        NotificationPriority.Low => Color.Default,
        _ => Color.Primary,
    };
}
