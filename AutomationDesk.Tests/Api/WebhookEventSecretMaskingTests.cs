using System.Net;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>A sender may put one of the desk's secrets anywhere in a request; the stored webhook event shows it masked.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class WebhookEventSecretMaskingTests(DeskApp desk)
{
    [Fact]
    public async Task A_desk_secret_in_the_query_a_header_or_the_body_of_a_webhook_request_is_stored_masked()
    {
        var value = $"partner-{Guid.NewGuid():N}";
        await Webhooks.SetSecretAsync(desk, $"partner{Guid.NewGuid():N}"[..20], value);
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var response = await Webhooks.PostAsync(desk, $"{hook.Path}?token={value}", $$"""{"key":"{{value}}"}""",
            headers: new Dictionary<string, string> { ["X-Partner"] = value });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = (string)(await Webhooks.EventsOfAsync(desk, hook.WorkflowId))[0]!["id"]!;
        var shown = (await desk.Viewer.GetJsonAsync($"/api/v1/webhook-events/{eventId}")).ToJsonString();
        Assert.DoesNotContain(value, shown, StringComparison.Ordinal);
        Assert.Contains("***", shown, StringComparison.Ordinal);
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var row = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.Id == Guid.Parse(eventId));
        Assert.DoesNotContain(value, row.HeadersJson + row.QueryJson + row.Body, StringComparison.Ordinal);
    }
}
