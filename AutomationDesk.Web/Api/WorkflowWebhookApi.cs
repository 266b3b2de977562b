using System.Security.Claims;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>Where a webhook workflow is reached: the URL with its token in the path.</summary>
public sealed record WebhookAddress(Uri Url, string Token, Guid WorkflowId);

/// <summary>
/// A workflow's webhook URL and token. The token starts runs, so reading it takes the same role as running the
/// workflow (Editor).
/// </summary>
public static class WorkflowWebhookApi
{
    public static RouteGroupBuilder MapWorkflowWebhookApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows/{id:guid}/webhook").WithTags("Workflows").RequireAuthorization(DeskPolicies.Write);
        group.MapGet("/", Get).WithSummary("Gets a workflow's webhook address");
        group.MapPost("/rotate", Rotate).WithSummary("Makes a new webhook address; the old one stops working");
        return group;
    }

    /// <summary>The public URL of a workflow's webhook receiver: under <c>desk.publicBaseUrl</c>, else this request's address.</summary>
    private static async Task<Uri> UrlAsync(HttpRequest request, DeskSettings settings, Guid workflowId, string token, CancellationToken ct) =>
        PublicUrls.Webhook(await PublicUrls.BaseAsync(settings, PublicUrls.RequestBase(request), ct), workflowId, token);

    static async Task<Results<Ok<WebhookAddress>, ProblemHttpResult>> Get(
        Guid id, HttpRequest request, IDbContextFactory<DeskDbContext> dbFactory, DeskSettings settings, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.Workflows.Where(w => w.Id == id && w.TriggerType == TriggerTypes.Webhook).Select(w => w.WebhookToken).SingleOrDefaultAsync(ct);
        return token is null ? NotAWebhook(id) : TypedResults.Ok(new WebhookAddress(await UrlAsync(request, settings, id, token, ct), token, id));
    }

    static async Task<Results<Ok<WebhookAddress>, ProblemHttpResult>> Rotate(
        Guid id, HttpRequest request, WebhookTokens tokens, DeskSettings settings, ClaimsPrincipal user, CancellationToken ct) =>
        await tokens.RotateAsync(id, user.ToActor(), ct) is { } token
            ? TypedResults.Ok(new WebhookAddress(await UrlAsync(request, settings, id, token, ct), token, id))
            : NotAWebhook(id);

    private static ProblemHttpResult NotAWebhook(Guid id) => TypedResults.Problem(
        title: "Webhook not found", detail: $"There is no workflow {id} with a webhook trigger.", statusCode: StatusCodes.Status404NotFound);
}
