using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// The templates gallery: the JSON files of <c>Workflows/Templates/</c>, embedded in this assembly so every deployment
/// (a published folder, a container, a test) carries exactly the templates it was built and tested with. Each is an
/// export file with a <c>template</c> object beside it, and using one goes through <see cref="WorkflowImporter"/>, so a
/// template obeys every rule an import does. The importer keeps the ids a file gives, so each use gives the
/// template's workflows new ids first (and rewrites every mention of them: a parent's <c>foreach</c>, a
/// <c>settings.onFailure</c>), which lets a template be used any number of times.
/// </summary>
public sealed class WorkflowTemplates(WorkflowImporter importer, ConnectionStore connections, ConnectionTypes types, SecretStore secrets, TimeProvider time)
{
    /// <summary>The logical name of each embedded template file: <c>templates/&lt;id&gt;.json</c> (see the project file).</summary>
    public const string ResourcePrefix = "templates/";

    public const string MetadataField = "template";

    private readonly Lazy<IReadOnlyList<WorkflowTemplate>> _embedded = new(() =>
        Files().Select(file => Parse(file.Json, file.Name)).OrderBy(t => t.Summary.Category, StringComparer.Ordinal).ThenBy(t => t.Summary.Name, StringComparer.Ordinal).ToList());

    public IReadOnlyList<TemplateSummary> List() => _embedded.Value.Select(t => t.Summary).ToList();

    /// <summary>The template with this id; its <see cref="WorkflowTemplate.Export"/> is shared, so copy it before changing it.</summary>
    public WorkflowTemplate? Find(string id) => _embedded.Value.FirstOrDefault(t => t.Summary.Id == id);

    /// <summary>The embedded template files, by file name.</summary>
    public static IReadOnlyList<(string Name, string Json)> Files()
    {
        var assembly = typeof(WorkflowTemplates).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(name => (name[ResourcePrefix.Length..], Read(assembly, name))).ToList();
    }

    /// <summary>
    /// A template file read: its metadata and the export beside it. A file that lacks what the gallery shows is refused
    /// naming the file and the field; whether its workflows would save is the importer's to say (and a test's).
    /// </summary>
    public static WorkflowTemplate Parse(string json, string file)
    {
        var export = JsonNode.Parse(json) as JsonObject ?? throw Broken(file, "is not a JSON object.");
        if (export[MetadataField] is not JsonObject metadataNode)
        {
            throw Broken(file, $"has no '{MetadataField}' object.");
        }
        export.Remove(MetadataField);
        TemplateMetadata metadata;
        try
        {
            metadata = metadataNode.Deserialize<TemplateMetadata>(DeskJson.Options) ?? throw Broken(file, "has an empty template object.");
        }
        catch (JsonException e)
        {
            throw Broken(file, $"has a template object that does not read: {e.Message}");
        }
        var workflows = export["workflows"] as JsonArray ?? throw Broken(file, "has no 'workflows' list.");
        var exported = (export["connections"] as JsonArray ?? []).OfType<JsonObject>()
            .ToDictionary(c => JsonNodeText.TextOrNull(c["name"]) ?? "", c => JsonNodeText.TextOrNull(c["type"]) ?? "", StringComparer.Ordinal);
        var steps = workflows.OfType<JsonObject>().SelectMany(w => w["steps"] as JsonArray ?? []).OfType<JsonObject>();
        var summary = new TemplateSummary(
            metadata.Id, metadata.Name, metadata.Description, metadata.Category, metadata.Main,
            workflows.Select(w => JsonNodeText.TextOrNull(w?["name"]) ?? "").ToList(),
            steps.Select(s => JsonNodeText.TextOrNull(s["type"]) ?? "").Distinct().ToList(),
            workflows.Select(w => JsonNodeText.TextOrNull(w?["trigger"]?["type"]) ?? TriggerTypes.Manual).ToList(),
            metadata.Connections.Select(c => new TemplateConnection(c.Name, exported.GetValueOrDefault(c.Name) ?? "", c.Help)).ToList(),
            metadata.Secrets.Select(s => new TemplateSecret(s.Name, s.Help)).ToList());
        return new WorkflowTemplate(summary, export);
    }

    /// <summary>The secrets a definition reads as <c>${secrets.name}</c>, anywhere in it.</summary>
    public static IReadOnlySet<string> SecretsIn(JsonNode? definition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in TemplateResolver.FindExpressions(definition))
        {
            for (var e = expression; e is not null; e = e.FallbackPath)
            {
                if (e.Path.Root == "secrets" && e.Path.Segments.Count > 1 && e.Path.Segments[1].Name is { } name)
                {
                    names.Add(name);
                }
            }
        }
        return names;
    }

    /// <summary>
    /// Creates the template's workflows with new ids, and, for an Admin, the connections it names that this desk lacks
    /// (with the template's example settings and no secrets), all in one transaction. Answers what was made and what
    /// is left to fill in.
    /// </summary>
    /// <param name="createConnections">Whether missing connections are created: only an Admin's use creates them, as with an import.</param>
    public async Task<TemplateInstance> InstantiateAsync(string id, Actor actor, bool createConnections, CancellationToken ct)
    {
        var template = Find(id) ?? throw new DeskProblemException(ProblemKind.NotFound, "Unknown template", $"There is no template '{id}'.");
        var now = time.GetUtcNow();
        var fresh = (template.Export["workflows"] as JsonArray ?? []).Select(w => JsonNodeText.TextOrNull(w?["id"]))
            .OfType<string>().Distinct().ToDictionary(old => old, _ => Guid.CreateVersion7(now).ToString(), StringComparer.OrdinalIgnoreCase);
        var export = (JsonObject)WithIds(template.Export, fresh)!;
        var report = await importer.ImportAsync(export.ToJsonString(), ImportStrategy.Skip, dryRun: false, actor, ct, createConnections);
        if (!report.Valid)
        {
            throw new DeskProblemException(ProblemKind.Invalid, "The template does not fit this desk",
                $"Nothing was created. {string.Join(" ", report.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}", report.Errors);
        }
        var created = (export["workflows"] as JsonArray ?? []).OfType<JsonObject>().Select(w => new CreatedWorkflow(
            Guid.Parse(JsonNodeText.TextOrNull(w["id"])!), JsonNodeText.TextOrNull(w["name"]) ?? "",
            JsonNodeText.TextOrNull(w["trigger"]?["type"]) ?? TriggerTypes.Manual, w["enabled"]?.GetValue<bool>() ?? true)).ToList();
        var main = Guid.Parse(fresh[template.Summary.Main.ToString()]);
        var madeNow = report.Connections.Where(c => c.Action == ImportActions.Created).Select(c => c.Name!).ToHashSet(StringComparer.Ordinal);
        var ordered = created.OrderByDescending(w => w.Id == main).ToList();
        var needs = await NeedsAsync(template.Summary, madeNow, ordered, ct);
        return new TemplateInstance(id, main, ordered, needs.Connections, needs.Secrets, needs.ToDo);
    }

    /// <summary>
    /// What a template's workflows still lack on this desk now: the connections and secrets they name, each with its
    /// state, and what to do. The editor shows it for a workflow just made from the template. Null for an unknown template.
    /// </summary>
    public async Task<TemplateNeeds?> NeedsAsync(string id, CancellationToken ct) =>
        Find(id) is { } template ? await NeedsAsync(template.Summary, new HashSet<string>(), [], ct) : null;

    private async Task<TemplateNeeds> NeedsAsync(TemplateSummary template, IReadOnlySet<string> madeNow, IReadOnlyList<CreatedWorkflow> workflows, CancellationToken ct)
    {
        var connectionNeeds = await ConnectionNeedsAsync(template.Connections, madeNow, ct);
        var existing = (await secrets.ListAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var secretNeeds = template.Secrets.Select(s => new SecretNeed(s.Name, existing.Contains(s.Name), s.Help)).ToList();
        return new TemplateNeeds(connectionNeeds, secretNeeds, ToDo(connectionNeeds, secretNeeds, workflows));
    }

    private async Task<List<ConnectionNeed>> ConnectionNeedsAsync(IReadOnlyList<TemplateConnection> named, IReadOnlySet<string> madeNow, CancellationToken ct)
    {
        var needs = new List<ConnectionNeed>();
        foreach (var connection in named)
        {
            var settings = await connections.ResolveAsync(connection.Name, ct);
            var (state, problem) = settings switch
            {
                null => (ConnectionNeeds.Missing, (string?)null),
                _ when settings.Type != connection.Type => (ConnectionNeeds.OtherType, $"It is a {settings.Type} connection; the template expects {connection.Type}."),
                _ => types.Find(settings.Type)?.Validate(settings).Select(p => $"{p.Field}: {p.Message}").FirstOrDefault() is { } first
                    ? (ConnectionNeeds.Incomplete, first)
                    : (ConnectionNeeds.Ready, null),
            };
            needs.Add(new ConnectionNeed(connection.Name, connection.Type, state, madeNow.Contains(connection.Name), connection.Help, problem));
        }
        return needs;
    }

    /// <summary>What is left to do, each in a person's words: connections and secrets first, then enabling what was made disabled.</summary>
    private IReadOnlyList<string> ToDo(IReadOnlyList<ConnectionNeed> connectionNeeds, IReadOnlyList<SecretNeed> secretNeeds, IReadOnlyList<CreatedWorkflow> workflows)
    {
        var todo = new List<string>();
        foreach (var need in connectionNeeds)
        {
            var what = $"The {types.Find(need.Type)?.Label ?? need.Type} connection '{need.Name}'";
            switch (need.State)
            {
                case ConnectionNeeds.Missing:
                    todo.Add($"{what} does not exist yet: an Admin creates it on the Connections page. {need.Help}");
                    break;
                case ConnectionNeeds.OtherType:
                    todo.Add($"{what}: {need.Problem} Choose another connection in the steps, or create one of type {need.Type}.");
                    break;
                case ConnectionNeeds.Incomplete when need.CreatedNow:
                    todo.Add($"{what} was created with example settings and no secrets: set its real ones on the Connections page, then test it. {need.Help}");
                    break;
                case ConnectionNeeds.Incomplete:
                    todo.Add($"{what} is not complete ({need.Problem}): fill it in on the Connections page. {need.Help}");
                    break;
                case ConnectionNeeds.Ready when need.CreatedNow:
                    todo.Add($"{what} was created with example settings: check them on the Connections page, then test it. {need.Help}");
                    break;
            }
        }
        todo.AddRange(secretNeeds.Where(s => !s.Exists).Select(s => $"Secret '{s.Name}' does not exist yet: add it on the Secrets page. {s.Help}"));
        todo.AddRange(workflows.Where(w => !w.Enabled).Select(w => $"'{w.Name}' was created disabled, so its {w.TriggerType} trigger starts nothing yet: enable it once the above is done."));
        return todo;
    }

    /// <summary>The export with each of its workflow ids replaced by a new one, wherever a text holds it.</summary>
    private static JsonNode? WithIds(JsonNode? node, IReadOnlyDictionary<string, string> fresh) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, WithIds(p.Value, fresh)))),
        JsonArray array => new JsonArray(array.Select(item => WithIds(item, fresh)).ToArray()),
        JsonValue value when value.TryGetValue<string>(out var text) =>
            JsonValue.Create(fresh.Aggregate(text, (replaced, id) => replaced.Replace(id.Key, id.Value, StringComparison.OrdinalIgnoreCase))),
        _ => node.DeepClone(),
    };

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static InvalidDataException Broken(string file, string problem) => new($"The template file {file} {problem}");

    /// <summary>The <c>template</c> object of a file, read strictly so a misspelt field is noticed.</summary>
    private sealed record TemplateMetadata(
        string Id, string Name, string Description, string Category, Guid Main, IReadOnlyList<TemplateNote> Connections, IReadOnlyList<TemplateNote> Secrets);

    private sealed record TemplateNote(string Name, string Help);
}
