using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Core.Notifications.Channels;

public static class NotificationChannelServices
{
    /// <summary>The channels store, the sender of deliveries and one <see cref="IChannelSender"/> per kind.</summary>
    public static IServiceCollection AddNotificationChannels(this IServiceCollection services)
    {
        services.AddSingleton<ChannelPost>();
        services.AddSingleton<IChannelSender, SlackChannel>();
        services.AddSingleton<IChannelSender, TeamsChannel>();
        services.AddSingleton<IChannelSender, DiscordChannel>();
        services.AddSingleton<IChannelSender, WebhookChannel>();
        services.AddSingleton<IChannelSender, EmailChannelDelivery>();
        services.AddSingleton<NotificationChannelStore>();
        services.AddSingleton<ChannelDeliveries>();
        return services;
    }
}
