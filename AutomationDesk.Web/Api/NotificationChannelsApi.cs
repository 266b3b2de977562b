using System.Security.Claims;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Web.Notifications;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Each person's notification channels, whatever their role: a caller sees and changes only their own (an API key acts
/// for its owner); another person's channel answers 404 as if it did not exist. URLs come back masked, never whole.
/// </summary>
public static class NotificationChannelsApi
{
    public static RouteGroupBuilder MapNotificationChannelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notification-channels").WithTags("Notification channels").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists your notification channels");
        group.MapGet("/{id:guid}", Get).WithSummary("Gets one of your notification channels");
        group.MapPost("/", Create).WithSummary("Adds a notification channel for you");
        group.MapPut("/{id:guid}", Update).WithSummary("Replaces one of your notification channels");
        group.MapDelete("/{id:guid}", Delete).WithSummary("Deletes one of your notification channels");
        group.MapPost("/{id:guid}/test", Test).WithSummary("Sends a test notification through a channel");
        return group;
    }

    static async Task<Ok<IReadOnlyList<NotificationChannelView>>> List(NotificationChannelStore channels, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await channels.ListAsync(OwnerOf(user), ct));

    static async Task<Results<Ok<NotificationChannelView>, ProblemHttpResult>> Get(Guid id, NotificationChannelStore channels, ClaimsPrincipal user, CancellationToken ct) =>
        await channels.GetAsync(OwnerOf(user), id, ct) is { } channel ? TypedResults.Ok(channel) : Problems.NotFound("notification channel", id);

    static async Task<Created<NotificationChannelView>> Create(
        NotificationChannelInput body, NotificationChannelStore channels, ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await channels.CreateAsync(OwnerOf(user), body, user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/notification-channels/{created.Id}", created);
    }

    static async Task<Results<Ok<NotificationChannelView>, ProblemHttpResult>> Update(
        Guid id, NotificationChannelInput body, NotificationChannelStore channels, ClaimsPrincipal user, CancellationToken ct) =>
        await channels.UpdateAsync(OwnerOf(user), id, body, user.ToActor(), ct) is { } channel ? TypedResults.Ok(channel) : Problems.NotFound("notification channel", id);

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, NotificationChannelStore channels, ClaimsPrincipal user, CancellationToken ct) =>
        await channels.DeleteAsync(OwnerOf(user), id, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("notification channel", id);

    /// <summary>Sends a test message now; 200 with <c>ok: false</c> and the reason when the service refused it.</summary>
    static async Task<Results<Ok<ChannelTestResult>, ProblemHttpResult>> Test(Guid id, ChannelDeliveries deliveries, ClaimsPrincipal user, CancellationToken ct) =>
        await deliveries.TestAsync(OwnerOf(user), id, ct) is { } result ? TypedResults.Ok(result) : Problems.NotFound("notification channel", id);

    /// <summary>Whose channels the caller manages: the same person whose notifications they read.</summary>
    private static string OwnerOf(ClaimsPrincipal user) => NotificationInbox.ReaderOf(user);
}
