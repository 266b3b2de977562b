using AutomationDesk.Core;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Api;

/// <summary>
/// What the executions list can be narrowed by. <see cref="Keys"/> are business keys (<c>settings.keys</c>),
/// matched exactly; <see cref="Text"/> is a run id (finds the run and its re-runs) or text in the workflow name,
/// correlation id or error. <see cref="ParentId"/> (and <see cref="ParentStepId"/>) keep the sub-workflow runs one run's
/// step started: a foreach's item runs; <see cref="HideItemRuns"/> leaves every foreach item run out, so a loop of
/// thousands does not flood the list.
/// </summary>
public sealed record ExecutionFilter(
    Guid? WorkflowId = null,
    IReadOnlyCollection<ExecutionStatus>? Statuses = null,
    string? Trigger = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Text = null,
    IReadOnlyDictionary<string, string>? Keys = null,
    Guid? ParentId = null,
    string? ParentStepId = null,
    bool HideItemRuns = false)
{
    public static ExecutionFilter None { get; } = new();

    /// <summary>Reads <c>status</c> as a comma-separated list of execution states.</summary>
    /// <exception cref="DeskProblemException">A part is not a state; the message lists the states.</exception>
    public static List<ExecutionStatus> ParseStatuses(string text)
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

/// <summary>The executions list, newest first: one query for the executions page and <c>GET /api/v1/executions</c>.</summary>
public static class ExecutionQueries
{
    public static async Task<Paged<ExecutionSummary>> ListAsync(DeskDbContext db, ExecutionFilter filter, PageQuery paging, CancellationToken ct)
    {
        var query = db.Executions.AsNoTracking();
        foreach (var (keyName, keyValue) in filter.Keys ?? new Dictionary<string, string>())
        {
            query = query.Where(e => db.ExecutionKeys.Any(k => k.ExecutionId == e.Id && k.Name == keyName && k.Value == keyValue));
        }
        if (filter.WorkflowId is { } workflow)
        {
            query = query.Where(e => e.WorkflowId == workflow);
        }
        if (filter.Statuses is { Count: > 0 } statuses)
        {
            query = query.Where(e => statuses.Contains(e.Status));
        }
        if (filter.ParentId is { } parent)
        {
            query = query.Where(e => e.ParentExecutionId == parent);
        }
        if (!string.IsNullOrEmpty(filter.ParentStepId))
        {
            query = query.Where(e => e.ParentStepId == filter.ParentStepId);
        }
        if (filter.HideItemRuns)
        {
            query = query.Where(e => e.ItemIndex == null);
        }
        if (!string.IsNullOrWhiteSpace(filter.Trigger))
        {
            query = query.Where(e => e.TriggerKind == filter.Trigger);
        }
        if (filter.From is { } start)
        {
            var from = start.ToUniversalTime();
            query = query.Where(e => e.CreatedAt >= from);
        }
        if (filter.To is { } end)
        {
            var to = end.ToUniversalTime();
            query = query.Where(e => e.CreatedAt < to);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var pattern = Like.Contains(filter.Text);
            query = Guid.TryParse(filter.Text.Trim(), out var id)
                ? query.Where(e => e.Id == id || e.ParentExecutionId == id)
                : query.Where(e => EF.Functions.Like(e.WorkflowName, pattern, Like.Escape)
                    || EF.Functions.Like(e.CorrelationId, pattern, Like.Escape)
                    || EF.Functions.Like(e.ErrorHuman ?? "", pattern, Like.Escape));
        }
        return await query.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Select(e => new ExecutionSummary(e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, e.Status, e.Progress, e.CurrentStepId,
                e.TriggerKind, e.CreatedAt, e.StartedAt, e.FinishedAt, e.DurationMs, e.ErrorHuman, e.CorrelationId, e.ParentExecutionId,
            e.ParentStepId, e.ItemIndex, e.DryRun))
            .ToPageAsync(paging, ct);
    }

    /// <summary>A run's log rows in order; <paramref name="level"/> keeps that level and above.</summary>
    public static async Task<Paged<ExecutionLogView>> LogsAsync(
        DeskDbContext db, Guid id, LogLevelName? level, LogDomain? domain, string? stepId, PageQuery paging, CancellationToken ct)
    {
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
        return new Paged<ExecutionLogView>(page.Items.Select(ExecutionLogView.From).ToList(), page.Page, page.PageSize, page.Total);
    }

    /// <summary>
    /// Each step's depth in the run's graph (0 for roots, else one more than its deepest upstream step) and the steps it
    /// waits for, from the definition the run used. Steps of equal depth with different upstream run as parallel branches.
    /// </summary>
    public static IReadOnlyDictionary<string, StepPlace> StepGraph(string? definitionJson)
    {
        if (definitionJson is null)
        {
            return new Dictionary<string, StepPlace>();
        }
        var compiled = CompiledWorkflow.Compile(definitionJson);
        var places = new Dictionary<string, StepPlace>(StringComparer.Ordinal);
        foreach (var step in compiled.Definition.Steps)
        {
            // Validation keeps the graph acyclic; an upstream step not placed yet is placed first.
            Place(step.Id);
        }
        return places;

        StepPlace Place(string stepId)
        {
            if (places.TryGetValue(stepId, out var known))
            {
                return known;
            }
            var upstream = compiled.Dependencies[stepId];
            var place = new StepPlace(upstream.Count == 0 ? 0 : upstream.Max(u => Place(u).Depth) + 1, upstream);
            places[stepId] = place;
            return place;
        }
    }

    /// <summary>The definition a run used: its draft (a test run) or its workflow's version; null when the version is gone.</summary>
    public static async Task<string?> DefinitionJsonAsync(DeskDbContext db, Guid executionId, CancellationToken ct)
    {
        var run = await db.Executions.AsNoTracking().Where(e => e.Id == executionId)
            .Select(e => new { e.DraftDefinitionJson, e.WorkflowId, e.WorkflowVersion }).SingleOrDefaultAsync(ct);
        return run?.DraftDefinitionJson ?? (run is null ? null : await db.WorkflowVersions.AsNoTracking()
            .Where(v => v.WorkflowId == run.WorkflowId && v.Version == run.WorkflowVersion).Select(v => v.DefinitionJson).SingleOrDefaultAsync(ct));
    }

    /// <summary>The saved workflows, for the list's workflow filter.</summary>
    public static async Task<List<WorkflowName>> WorkflowNamesAsync(DeskDbContext db, CancellationToken ct) =>
        await db.Workflows.AsNoTracking().OrderBy(w => w.Name).Select(w => new WorkflowName(w.Id, w.Name)).ToListAsync(ct);

    /// <summary>The trigger kinds that have started runs, for the list's trigger filter.</summary>
    public static async Task<List<string>> TriggerKindsAsync(DeskDbContext db, CancellationToken ct) =>
        await db.Executions.AsNoTracking().Select(e => e.TriggerKind).Distinct().OrderBy(k => k).ToListAsync(ct);
}

public sealed record WorkflowName(Guid Id, string Name);

public sealed record StepPlace(int Depth, IReadOnlyList<string> After);
