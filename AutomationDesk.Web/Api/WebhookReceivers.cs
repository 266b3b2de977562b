using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Core.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace AutomationDesk.Web.Api;

public sealed record WebhookDuplicate(Guid ExecutionId, bool Duplicate);

public sealed record WebhookCompleted(Guid ExecutionId, ExecutionStatus Status, JsonNode? Output);

public sealed record InboxAccepted(Guid EventId, IReadOnlyList<StartedRun> Executions);

/// <summary>A delivery received before (within 24 h): stored as its own event, starting nothing.</summary>
public sealed record InboxDuplicate(Guid EventId, bool Duplicate, Guid DuplicateOf, IReadOnlyList<StartedRun> Executions, string Detail);

/// <summary>
/// The public receivers: <c>POST /api/webhooks/{workflowId}/{token}</c> and <c>POST /api/webhooks/inbox/{source}</c>.
/// No user sign-in: the token and the signature are the authentication. Each reads its body itself, never past the
/// workflow's limit, so an oversized request is answered 413 and still logged.
/// </summary>
public static class WebhookReceivers
{
    public static RouteGroupBuilder MapWebhookReceivers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/webhooks").WithTags("Webhook receivers").AllowAnonymous()
            .WithMetadata(new ReadsItsOwnBody());
        group.MapPost("/inbox/{source}", ReceiveInbox).WithSummary("Receives a webhook for an inbox source");
        group.MapPost("/{workflowId:guid}/{token}", ReceiveWorkflow).WithSummary("Receives a webhook that starts a workflow");
        return group;
    }

    static async Task<Results<Ok<WebhookCompleted>, Ok<WebhookDuplicate>, Accepted<ExecutionAccepted>, ProblemHttpResult>> ReceiveWorkflow(
        Guid workflowId, string token, HttpRequest request, WorkflowWebhookReceiver receiver, ExecutionWaiter waiter, DeskMetrics metrics,
        CancellationToken ct)
    {
        var (body, bytes) = await ReadBoundedAsync(request, await receiver.BodyLimitAsync(workflowId, ct), ct);
        var outcome = await receiver.ReceiveAsync(workflowId, token, RequestOf(request, body), bytes, ct);
        metrics.WebhookAnswered(WebhookOutcomes.Of(outcome.StatusCode, outcome.Duplicate));
        if (outcome.Refused)
        {
            return Refusal(outcome.StatusCode, outcome.Reason!);
        }
        var executionId = outcome.ExecutionId!.Value;
        if (outcome.Duplicate)
        {
            return TypedResults.Ok(new WebhookDuplicate(executionId, true));
        }
        if (outcome.RespondWithin is { } within && await waiter.WaitForFinalAsync(executionId, within, ct) is { } finished)
        {
            await receiver.RecordAnswerAsync(outcome.EventId, StatusCodes.Status200OK, ct);
            return TypedResults.Ok(new WebhookCompleted(executionId, finished.Status, finished.Output));
        }
        return TypedResults.Accepted($"/api/v1/executions/{executionId}", new ExecutionAccepted(executionId, ExecutionStatus.Queued));
    }

    static async Task<Results<Accepted<InboxAccepted>, Ok<InboxDuplicate>, ProblemHttpResult>> ReceiveInbox(
        string source, HttpRequest request, InboxRouter inbox, DeskMetrics metrics, CancellationToken ct)
    {
        var (body, bytes) = await ReadBoundedAsync(request, InboxRouter.MaxBodyBytes, ct);
        var outcome = await inbox.ReceiveAsync(source, RequestOf(request, body), bytes, ct);
        metrics.WebhookAnswered(WebhookOutcomes.Of(outcome.StatusCode, outcome.DuplicateOf is not null));
        if (outcome.StatusCode >= 400)
        {
            return Refusal(outcome.StatusCode, outcome.Reason!);
        }
        return outcome.DuplicateOf is { } first
            ? TypedResults.Ok(new InboxDuplicate(outcome.EventId, true, first, outcome.Runs, outcome.Reason!))
            : TypedResults.Accepted($"/api/v1/webhook-events/{outcome.EventId}", new InboxAccepted(outcome.EventId, outcome.Runs));
    }

    private static ProblemHttpResult Refusal(int statusCode, string reason) => TypedResults.Problem(
        statusCode: statusCode,
        detail: reason,
        title: statusCode switch
        {
            StatusCodes.Status404NotFound => "Webhook not found",
            StatusCodes.Status401Unauthorized => "Webhook request not authenticated",
            StatusCodes.Status413PayloadTooLarge => "Request body too large",
            StatusCodes.Status409Conflict => "Idempotency key reused with another body",
            _ => "Bad webhook request",
        });

    private static WebhookRequest RequestOf(HttpRequest request, byte[] body) => new(
        request.Method,
        request.ContentType,
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        request.Query.ToDictionary(q => q.Key, q => (IReadOnlyList<string>)q.Value.Select(v => v ?? "").ToList(), StringComparer.Ordinal),
        body);

    /// <summary>The body, or nothing when it is longer than <paramref name="limit"/>: a declared length is not trusted alone.</summary>
    private static async Task<(byte[] Body, long Bytes)> ReadBoundedAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return ([], declared);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            total += read;
            if (total > limit)
            {
                return ([], total);
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), total);
    }

    /// <summary>Lifts the host's default body limit here: the receivers stop reading at their own, per-workflow limit.</summary>
    private sealed class ReadsItsOwnBody : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => long.MaxValue;
    }
}
