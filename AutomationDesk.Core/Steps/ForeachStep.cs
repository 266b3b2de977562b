using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Execution.Templates;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Runs a workflow once per item of a list, as child runs, at most <c>concurrency</c> at a time. Every item's run is
/// written (held) before the first starts, so a crash in the middle resumes with the items not yet done and no item has
/// two runs. The step ends only when every item is accounted for: with <c>onItemError: fail</c> a failed item stops
/// new items from starting and fails the step once those in flight have ended; with <c>continue</c> all run and the
/// failures are reported in the output. A loop never ends early and reports success.
/// </summary>
[StepType(TypeName, Label = "For each", Category = StepCategory.Flow, Summary = "Runs a workflow once for each item of a list.", HasSideEffects = true, PerItemField = ForeachConfig.InputField)]
public sealed class ForeachStep(ChildRuns children) : IResumableStep<ForeachConfig>
{
    public const string TypeName = "foreach";

    /// <summary>The reason written on the items a loop stopped by a failed item never started.</summary>
    public const string NotStarted = "Not started: an earlier item failed and the loop stops on a failed item.";

    public async Task<StepResult> ExecuteAsync(ForeachConfig config, StepContext context, CancellationToken ct)
    {
        var inputs = ItemInputs(config, context.TemplateScope);
        await children.AddItemsAsync(context, config.WorkflowId, inputs, ct);
        context.Log(LogLevelName.Information, $"{inputs.Count} item runs written; up to {config.Concurrency} run at once");
        return await AdvanceAsync(config, context, ct);
    }

    public Task<StepResult> ResumeAsync(ForeachConfig config, StepContext context, CancellationToken ct) => AdvanceAsync(config, context, ct);

    /// <summary>Each item's <c>trigger.body</c>: <c>input</c> resolved with <c>${item}</c> and <c>${index}</c>, or <c>{ item, index }</c>.</summary>
    private static List<JsonObject> ItemInputs(ForeachConfig config, JsonObject runScope)
    {
        var scope = (JsonObject)runScope.DeepClone();
        var inputs = new List<JsonObject>(config.Items.Count);
        for (var index = 0; index < config.Items.Count; index++)
        {
            var item = config.Items[index]?.DeepClone();
            if (config.Input is null)
            {
                inputs.Add(new JsonObject { ["item"] = item, ["index"] = index });
                continue;
            }
            scope["item"] = item;
            scope["index"] = index;
            JsonNode? resolved;
            try
            {
                resolved = TemplateResolver.Resolve(config.Input, scope);
            }
            catch (TemplateException e)
            {
                throw new StepFailedException($"The input of item {index} could not be resolved: {e.Message}");
            }
            inputs.Add(resolved as JsonObject ?? new JsonObject { ["value"] = resolved });
        }
        return inputs;
    }

    private async Task<StepResult> AdvanceAsync(ForeachConfig config, StepContext context, CancellationToken ct)
    {
        var counts = await children.CountItemsAsync(context.ExecutionId, context.StepId, ct);
        var stopping = config.OnItemError == ForeachConfig.Fail && counts.Failed > 0;
        var released = stopping ? 0 : await children.ReleaseItemsAsync(context.ExecutionId, context.StepId, config.Concurrency - counts.InFlight, ct);
        if (counts.InFlight + released > 0 || (!stopping && counts.Held > 0))
        {
            return StepResult.WaitForChildren(Progress(counts, released));
        }
        if (stopping)
        {
            await children.CancelHeldAsync(context.ExecutionId, context.StepId, NotStarted, ct);
        }
        var items = await children.ItemsAsync(context.ExecutionId, context.StepId, ct);
        if (items.Count != config.Items.Count)
        {
            throw new StepFailedException($"{config.Items.Count} items were given but {items.Count} have a run: the others' runs were deleted.");
        }
        var output = Output(items);
        if (stopping)
        {
            var failed = items.First(i => i.Status != ExecutionStatus.Succeeded && i.ErrorHuman != NotStarted);
            var notStarted = items.Count(i => i.ErrorHuman == NotStarted);
            throw new StepFailedException(
                $"Item {failed.ItemIndex}: {WorkflowRunStep.Ended(failed)} {output["succeeded"]} of {items.Count} items succeeded; {notStarted} were not started.");
        }
        return StepResult.Done(output);
    }

    /// <summary>What a waiting loop shows on the run page: done of total, and how many run now.</summary>
    private static JsonObject Progress(ItemCounts counts, int released) => new()
    {
        ["count"] = counts.Total,
        ["done"] = counts.Done,
        ["succeeded"] = counts.Succeeded,
        ["failed"] = counts.Failed,
        ["running"] = counts.InFlight + released,
    };

    private static JsonObject Output(IReadOnlyList<ChildRun> items)
    {
        var results = new JsonArray();
        foreach (var item in items)
        {
            var result = new JsonObject { ["index"] = item.ItemIndex, ["executionId"] = item.Id, ["status"] = item.Status.ToString() };
            if (item.Status == ExecutionStatus.Succeeded)
            {
                result["output"] = StoredJson.Parse(item.OutputJson);
            }
            else
            {
                result["error"] = item.ErrorHuman;
            }
            results.Add(result);
        }
        var succeeded = items.Count(i => i.Status == ExecutionStatus.Succeeded);
        return new JsonObject { ["count"] = items.Count, ["succeeded"] = succeeded, ["failed"] = items.Count - succeeded, ["results"] = results };
    }
}

public sealed record ForeachConfig : IValidatableConfig
{
    public const string InputField = "input";
    public const string Fail = "fail";
    public const string Continue = "continue";
    public const int MaxItems = 10_000;
    public const int MaxConcurrency = 64;

    /// <summary>The list, usually a template: <c>${steps.list.output.body.orders}</c>.</summary>
    public required JsonArray Items { get; init; }

    /// <summary>The workflow each item runs, by id.</summary>
    public required Guid WorkflowId { get; init; }

    /// <summary>Each item run's <c>trigger.body</c>; templates here also read <c>${item}</c> and <c>${index}</c>. Default <c>{ item, index }</c>.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>How many item runs at once.</summary>
    [NumberRange(1, MaxConcurrency)]
    public int Concurrency { get; init; } = 4;

    /// <summary><c>fail</c>: a failed item stops the loop; <c>continue</c>: every item runs and failures are reported.</summary>
    [OneOf(Fail, Continue)]
    public string OnItemError { get; init; } = Fail;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (Items.Count > MaxItems)
        {
            yield return ("items", string.Create(CultureInfo.InvariantCulture, $"{Items.Count:N0} items: a loop takes at most {MaxItems:N0}."));
        }
        if (WorkflowId == Guid.Empty)
        {
            yield return ("workflowId", "Choose the workflow each item runs.");
        }
        if (Concurrency is < 1 or > MaxConcurrency)
        {
            yield return ("concurrency", $"Between 1 and {MaxConcurrency}.");
        }
        if (OnItemError is not (Fail or Continue))
        {
            yield return ("onItemError", "Must be fail or continue.");
        }
    }
}
