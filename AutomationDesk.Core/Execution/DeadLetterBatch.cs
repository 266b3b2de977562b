using System.Text.Json.Serialization;
using AutomationDesk.Core.Auditing;

namespace AutomationDesk.Core.Execution;

/// <summary>What to do with each dead letter of a batch.</summary>
public enum DeadLetterAction
{
    /// <summary>Run again from the step that failed, keeping the outputs of the steps that succeeded.</summary>
    [JsonStringEnumMemberName("resume")] Resume,

    /// <summary>Run again from the start.</summary>
    [JsonStringEnumMemberName("replay")] Replay,

    /// <summary>Take it off the list without running it.</summary>
    [JsonStringEnumMemberName("discard")] Discard,
}

/// <summary>How one dead letter of a batch went: the new run for a resume or replay, or why nothing happened.</summary>
public sealed record DeadLetterOutcome(Guid Id, bool Ok, string Outcome, Guid? ExecutionId, string? Error);

/// <summary>One dead letter's plan before a batch: what a resume or replay would run again, or why it cannot be done.</summary>
public sealed record DeadLetterPlan(Guid Id, RetryPlan? Plan, string? Error);

/// <summary>
/// Resumes, replays or discards several dead letters at once. Each one goes through <see cref="RunRetry"/> exactly as a
/// single one does (its own commit and audit row), so one that cannot be done — already retried, not found, not a
/// dead letter — is reported and the others still go.
/// </summary>
public sealed class DeadLetterBatch(RunRetry retries)
{
    /// <summary>The most dead letters one batch takes: a page of the list is at most 100 rows.</summary>
    public const int MaxIds = 100;

    /// <summary>Each one's plan, for a person to read before confirming; a discard has no plan to read.</summary>
    public async Task<IReadOnlyList<DeadLetterPlan>> PlanAsync(IReadOnlyList<Guid> ids, DeadLetterAction action, CancellationToken ct)
    {
        var plans = new List<DeadLetterPlan>();
        foreach (var id in Checked(ids))
        {
            try
            {
                plans.Add(new DeadLetterPlan(id, action == DeadLetterAction.Discard ? null : await retries.PlanAsync(id, FromOf(action), ct), null));
            }
            catch (DeskProblemException e)
            {
                plans.Add(new DeadLetterPlan(id, null, e.Message));
            }
        }
        return plans;
    }

    /// <param name="force">Retry even the runs that were retried before (the person saw that in the plan).</param>
    public async Task<IReadOnlyList<DeadLetterOutcome>> ApplyAsync(IReadOnlyList<Guid> ids, DeadLetterAction action, bool force, Actor actor, CancellationToken ct)
    {
        var outcomes = new List<DeadLetterOutcome>();
        foreach (var id in Checked(ids))
        {
            try
            {
                outcomes.Add(action switch
                {
                    DeadLetterAction.Discard => Done(id, "discarded", await DiscardAsync(id, actor, ct)),
                    _ => Done(id, action == DeadLetterAction.Resume ? "resumed" : "replayed", force
                        ? (await retries.RetryAgainAsync(id, FromOf(action), actor, ct)).Id
                        : (await retries.RetryAsync(id, FromOf(action), actor, ct)).Id),
                });
            }
            catch (DeskProblemException e)
            {
                outcomes.Add(new DeadLetterOutcome(id, false, "failed", null, e.Message));
            }
        }
        return outcomes;
    }

    private async Task<Guid?> DiscardAsync(Guid id, Actor actor, CancellationToken ct)
    {
        await retries.DiscardAsync(id, actor, ct);
        return null; // a discard starts no run
    }

    private static DeadLetterOutcome Done(Guid id, string outcome, Guid? executionId) => new(id, true, outcome, executionId, null);

    private static RetryFrom FromOf(DeadLetterAction action) => action == DeadLetterAction.Resume ? RetryFrom.Failed : RetryFrom.Start;

    /// <summary>The ids once each, in the order given; none or more than <see cref="MaxIds"/> is refused before anything changes.</summary>
    private static List<Guid> Checked(IReadOnlyList<Guid> ids)
    {
        var distinct = ids.Distinct().ToList();
        if (distinct.Count == 0)
        {
            throw DeskProblemException.InvalidField("ids", "Name at least one dead letter (execution id).");
        }
        if (distinct.Count > MaxIds)
        {
            throw DeskProblemException.InvalidField("ids", $"{distinct.Count} dead letters are more than one batch takes ({MaxIds}): send them in batches of {MaxIds}.");
        }
        return distinct;
    }
}
