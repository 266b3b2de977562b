using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// The plan of a definition against a preflight scope: each step's resolved input, whether it would run and whether it
/// has side effects, with the template findings of its config and condition. Needs nothing but the scope: the checks
/// that look things up (connections, target workflows) are <see cref="WorkflowPreflight"/>'s.
/// </summary>
public static class PreflightSteps
{
    private static readonly string[] NoSkippedRoots = [];

    public static IReadOnlyList<PreflightPlanStep> Plan(WorkflowDefinition definition, StepRegistry registry, JsonObject scope, List<PreflightFinding> findings)
    {
        var dependencies = WorkflowGraph.Dependencies(definition.Steps);
        var plan = new Dictionary<string, PreflightPlanStep>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            var descriptor = registry.Find(step.Type);
            var path = $"steps[{i}]";
            var skipRoots = descriptor?.PerItemField is null ? NoSkippedRoots : WorkflowDefinitionReader.ItemTemplateRoots;
            findings.AddRange(PreflightTemplates.Check(step.Config, $"{path}.config", step.Id, scope, skipRoots));
            var input = Resolve(descriptor, step.Config, scope);
            var (runs, note) = Runs(step, dependencies.GetValueOrDefault(step.Id) ?? [], plan, scope, path, findings);
            var sideEffects = descriptor is not null && StepSideEffects.Of(descriptor, input);
            plan[step.Id] = new PreflightPlanStep(step.Id, step.Type, runs, sideEffects, input, note);
        }
        return definition.Steps.Select(s => plan[s.Id]).ToList();
    }

    /// <summary>The config as it would be sent; where a template cannot be resolved yet, the config as written.</summary>
    private static JsonObject Resolve(StepDescriptor? descriptor, JsonObject config, JsonObject scope)
    {
        var placeheld = (JsonObject)PreflightScope.Placehold(config)!;
        if (descriptor is null)
        {
            return placeheld;
        }
        try
        {
            return descriptor.ResolveConfig(placeheld, scope);
        }
#pragma warning disable CA1031 // The finding is already there (PreflightTemplates); the plan shows the config as written.
        catch (Exception)
#pragma warning restore CA1031
        {
            return placeheld;
        }
    }

    private static (bool? Runs, string? Note) Runs(
        StepDefinition step, IReadOnlyList<string> upstream, Dictionary<string, PreflightPlanStep> plan, JsonObject scope, string path, List<PreflightFinding> findings)
    {
        var before = upstream.Where(plan.ContainsKey).Select(id => plan[id]).ToList();
        if (before.Count > 0 && before.All(u => u.Runs == false && u.Type != StopStep.TypeName))
        {
            return (false, "Every step it depends on would be skipped.");
        }
        if (before.Count > 0 && before.All(u => u.Runs != true && u.Type != StopStep.TypeName))
        {
            return (null, $"It runs only if {string.Join(" or ", before.Where(u => u.Runs is null).Select(u => $"`{u.StepId}`"))} runs, which is known only while running.");
        }
        if (step.When is null)
        {
            return (true, null);
        }
        var reads = TemplateResolver.FindExpressions(step.When).Where(PreflightScope.ReadsSteps).Select(e => e.Path.Text).Distinct().ToList();
        if (reads.Count > 0)
        {
            return (null, $"Its `when` reads {string.Join(", ", reads.Select(r => $"`{r}`"))}, known only when the run gets there.");
        }
        try
        {
            return Condition.Evaluate(step.When, scope) ? (true, null) : (false, "Its `when` condition is false with the sample input.");
        }
        catch (TemplateException e)
        {
            findings.Add(PreflightTemplates.Unresolved(e, scope, step.Id, $"{path}.when"));
            return (null, "Its `when` condition cannot be read with the sample input: the run would fail here.");
        }
    }
}
