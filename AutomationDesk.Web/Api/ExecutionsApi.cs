using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

public static class ExecutionsApi
{
    public const string KeyPrefix = "key.";

    public static RouteGroupBuilder MapExecutionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/executions").WithTags("Executions").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapGet("/{id:guid}/logs", Logs);
        return group;
    }

    /// <summary>Lists runs. Business keys filter as <c>key.&lt;name&gt;=value</c>, e.g. <c>?key.customer=c1</c>.</summary>
    static async Task<Ok<Paged<ExecutionSummary>>> List(
        Guid? workflowId, string? status, string? trigger, DateTimeOffset? from, DateTimeOffset? to, string? q,
        [AsParameters] PageQuery paging, HttpRequest request, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Executions.AsNoTracking();
        foreach (var (name, value) in request.Query.Where(p => p.Key.StartsWith(KeyPrefix, StringComparison.Ordinal)))
        {
            var keyName = name[KeyPrefix.Length..];
            var keyValue = value.ToString();
            query = query.Where(e => db.ExecutionKeys.Any(k => k.ExecutionId == e.Id && k.Name == keyName && k.Value == keyValue));
        }
        if (workflowId is { } workflow)
        {
            query = query.Where(e => e.WorkflowId == workflow);
        }
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = ParseStatuses(status);
            query = query.Where(e => statuses.Contains(e.Status));
        }
        if (!string.IsNullOrWhiteSpace(trigger))
        {
            query = query.Where(e => e.TriggerKind == trigger);
        }
        if (from is { } start)
        {
            query = query.Where(e => e.CreatedAt >= start.ToUniversalTime());
        }
        if (to is { } end)
        {
            query = query.Where(e => e.CreatedAt < end.ToUniversalTime());
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = Like.Contains(q);
            query = Guid.TryParse(q.Trim(), out var id)
                ? query.Where(e => e.Id == id || e.ParentExecutionId == id)
                : query.Where(e => EF.Functions.Like(e.WorkflowName, pattern, Like.Escape)
                    || EF.Functions.Like(e.CorrelationId, pattern, Like.Escape)
                    || EF.Functions.Like(e.ErrorHuman ?? "", pattern, Like.Escape));
        }
        var page = await query.OrderByDescending(e => e.CreatedAt)
            .Select(e => new ExecutionSummary(e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId,
                e.TriggerKind, e.CreatedAt, e.StartedAt, e.FinishedAt, e.DurationMs, e.ErrorHuman, e.CorrelationId, e.ParentExecutionId))
            .ToPageAsync(paging, ct);
        return TypedResults.Ok(page);
    }

    static async Task<Results<Ok<ExecutionDetail>, ProblemHttpResult>> Get(Guid id, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct) =>
        await LoadDetailAsync(dbFactory, id, ct) is { } detail ? TypedResults.Ok(detail) : Problems.NotFound("execution", id);

    static async Task<Results<Ok<Paged<ExecutionLogView>>, ProblemHttpResult>> Logs(
        Guid id, LogLevelName? level, LogDomain? domain, string? stepId, [AsParameters] PageQuery paging,
        IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Executions.AnyAsync(e => e.Id == id, ct))
        {
            return Problems.NotFound("execution", id);
        }
        var query = db.ExecutionLogs.AsNoTracking().Where(l => l.ExecutionId == id);
        if (level is { } atLeast)
        {
            var levels = Enum.GetValues<LogLevelName>().Where(l => l >= atLeast).ToList();
            query = query.Where(l => levels.Contains(l.Level));
        }
        if (domain is { } d)
        {
            query = query.Where(l => l.Domain == d);
        }
        if (!string.IsNullOrWhiteSpace(stepId))
        {
            query = query.Where(l => l.StepId == stepId);
        }
        var page = await query.OrderBy(l => l.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(new Paged<ExecutionLogView>(page.Items.Select(ExecutionLogView.From).ToList(), page.Page, page.PageSize, page.Total));
    }

    public static async Task<ExecutionDetail?> LoadDetailAsync(IDbContextFactory<DeskDbContext> dbFactory, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var execution = await db.Executions.AsNoTracking().Include(e => e.Steps).Include(e => e.Keys).AsSplitQuery().SingleOrDefaultAsync(e => e.Id == id, ct);
        return execution is null ? null : ExecutionDetail.From(execution);
    }

    private static List<ExecutionStatus> ParseStatuses(string text)
    {
        var result = new List<ExecutionStatus>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<ExecutionStatus>(part, ignoreCase: true, out var parsed) || int.TryParse(part, out _))
            {
                throw DeskProblemException.InvalidField("status", $"'{part}' is not an execution status: use {string.Join(", ", Enum.GetNames<ExecutionStatus>())}.");
            }
            result.Add(parsed);
        }
        return result;
    }
}
