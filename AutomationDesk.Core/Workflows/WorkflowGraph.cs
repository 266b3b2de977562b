namespace AutomationDesk.Core.Workflows;

/// <summary>The step graph: who waits for whom. A step without <c>dependsOn</c> waits for the step before it.</summary>
public static class WorkflowGraph
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies(IReadOnlyList<StepDefinition> steps)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            result.TryAdd(steps[i].Id, steps[i].DependsOn ?? (i == 0 ? [] : [steps[i - 1].Id]));
        }
        return result;
    }

    /// <summary>The steps of one cycle, each waiting for the next, the first repeated at the end (a → b → a); or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<StepDefinition> steps, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();

        List<string>? Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var next in dependencies.GetValueOrDefault(id) ?? [])
            {
                if (!dependencies.ContainsKey(next))
                {
                    continue;
                }
                if (state.GetValueOrDefault(next) == 1)
                {
                    return path.Skip(path.IndexOf(next)).Append(next).ToList();
                }
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }

        foreach (var step in steps)
        {
            if (state.GetValueOrDefault(step.Id) == 0 && Visit(step.Id) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }

    /// <summary>For each step, every step it transitively waits for (graph must be acyclic).</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Upstream(IReadOnlyList<StepDefinition> steps, IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);

        IReadOnlySet<string> Of(string id)
        {
            if (result.TryGetValue(id, out var known))
            {
                return known;
            }
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dependency in dependencies.GetValueOrDefault(id) ?? [])
            {
                if (dependencies.ContainsKey(dependency))
                {
                    set.Add(dependency);
                    set.UnionWith(Of(dependency));
                }
            }
            result[id] = set;
            return set;
        }

        foreach (var step in steps)
        {
            Of(step.Id);
        }
        return result;
    }
}
