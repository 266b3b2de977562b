using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Workflows;

/// <summary>
/// Every template file of <c>AutomationDesk.Core/Workflows/Templates/</c>: its workflows read through the real
/// <see cref="WorkflowDefinitionReader"/> with this desk's step types (so a template that would not save fails here,
/// naming the template, the workflow and the field), and its metadata agrees with its workflows.
/// </summary>
public sealed class WorkflowTemplateFileTests(CoreDeskFixture fixture) : IClassFixture<CoreDeskFixture>
{
    /// <summary>The eight templates the gallery must have (issue 14), by id.</summary>
    public static readonly string[] Required =
    [
        "daily-ai-summary", "stripe-payment-thank-you", "github-pull-request-to-slack", "form-approval-email",
        "n8n-comfyui-image", "foreach-orders-sub-workflow", "nightly-cleanup", "error-workflow-pages-on-call",
    ];

    /// <summary>Triggers that start a workflow by themselves: a template creates such a workflow disabled.</summary>
    private static readonly string[] SelfStarting = [TriggerTypes.Schedule, TriggerTypes.Webhook, TriggerTypes.Email, TriggerTypes.File, TriggerTypes.Event];

    public static TheoryData<string> TemplateFiles() => new(WorkflowTemplates.Files().Select(f => f.Name));

    private static JsonObject FileJson(string file) => JsonNode.Parse(WorkflowTemplates.Files().Single(f => f.Name == file).Json)!.AsObject();

    private static IEnumerable<JsonObject> Workflows(JsonObject file) => file["workflows"]!.AsArray().OfType<JsonObject>();

    [Fact]
    public void The_gallery_embeds_every_template_file_of_the_repository_and_has_the_eight_it_must()
    {
        var folder = RepositoryFolder("AutomationDesk.Core", "Workflows", "Templates");
        var onDisk = Directory.GetFiles(folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(onDisk, WorkflowTemplates.Files().Select(f => f.Name).ToList());
        Assert.Empty(Required.Except(WorkflowTemplates.Files().Select(f => Path.GetFileNameWithoutExtension(f.Name))));
    }

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void Every_workflow_of_a_template_saves_on_this_desk_as_written(string file)
    {
        var reader = fixture.Desk.Get<WorkflowDefinitionReader>();
        var problems = new List<string>();

        foreach (var (workflow, index) in Workflows(FileJson(file)).Select((w, i) => (w, i)))
        {
            var definition = (JsonObject)workflow.DeepClone();
            definition.Remove("id");
            try
            {
                reader.Read(definition);
            }
            catch (WorkflowValidationException e)
            {
                problems.AddRange(e.Errors.Select(error => $"workflows[{index}] '{workflow["name"]}' {error.Key}: {string.Join(" ", error.Value)}"));
            }
        }

        Assert.True(problems.Count == 0, $"The template {file} does not save on this desk:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void A_template_s_metadata_agrees_with_its_workflows(string file)
    {
        var json = FileJson(file);
        var template = WorkflowTemplates.Parse(json.ToJsonString(), file).Summary;
        var workflows = Workflows(json).ToList();
        var ids = workflows.Select(w => Guid.Parse((string)w["id"]!)).ToList();
        var exported = json["connections"]!.AsArray().OfType<JsonObject>().Select(c => (string)c["name"]!).Order(StringComparer.Ordinal).ToList();
        var named = workflows.SelectMany(w => ConnectionNames.In(w)).Distinct().Order(StringComparer.Ordinal).ToList();
        var read = workflows.SelectMany(w => WorkflowTemplates.SecretsIn(w)).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Path.GetFileNameWithoutExtension(file), template.Id);
        Assert.False(string.IsNullOrWhiteSpace(template.Name) || string.IsNullOrWhiteSpace(template.Category));
        Assert.True(template.Description.Length is > 0 and <= 200 && !template.Description.Contains('\n'), $"{file}: the description is one line of at most 200 characters.");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains(template.Main, ids);
        Assert.All(WorkflowIdsNamedIn(json), id => Assert.True(ids.Contains(id), $"{file} names workflow {id}, which is not one of its own."));
        Assert.Equal(named, exported);
        Assert.Equal(named, template.Connections.Select(c => c.Name).Order(StringComparer.Ordinal).ToList());
        Assert.All(template.Connections, c => Assert.False(string.IsNullOrEmpty(c.Type) || string.IsNullOrWhiteSpace(c.Help), $"{file}: connection {c.Name} has a type and a help text."));
        Assert.Equal(read, template.Secrets.Select(s => s.Name).Order(StringComparer.Ordinal).ToList());
        Assert.All(workflows, w => Assert.True(
            (bool)w["enabled"]! != SelfStarting.Contains((string)w["trigger"]!["type"]!),
            $"{file}: '{w["name"]}' is created {((bool)w["enabled"]! ? "enabled" : "disabled")}; a workflow that starts by itself is created disabled, any other enabled."));
    }

    [Fact]
    public void Template_ids_and_workflow_ids_are_unique_across_the_gallery()
    {
        var files = WorkflowTemplates.Files().Select(f => JsonNode.Parse(f.Json)!.AsObject()).ToList();
        var templateIds = files.Select(f => (string)f["template"]!["id"]!).ToList();
        var workflowIds = files.SelectMany(Workflows).Select(w => (string)w["id"]!).ToList();

        Assert.Equal(templateIds.Count, templateIds.Distinct().Count());
        Assert.Equal(workflowIds.Count, workflowIds.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void A_file_whose_template_object_has_a_misspelt_field_is_refused_naming_the_file()
    {
        var json = FileJson("nightly-cleanup.json");
        json["template"]!["catgory"] = "Typo";

        var refusal = Assert.Throws<InvalidDataException>(() => WorkflowTemplates.Parse(json.ToJsonString(), "nightly-cleanup.json"));

        Assert.Contains("nightly-cleanup.json", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("catgory", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>Every <c>workflowId</c> the workflows hold: a foreach or workflow.run step's, settings.onFailure's, an event trigger's.</summary>
    public static IEnumerable<Guid> WorkflowIdsNamedIn(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "workflowId" && p.Value is JsonValue v && Guid.TryParse(v.ToString(), out var id)
            ? [id] : WorkflowIdsNamedIn(p.Value)),
        JsonArray array => array.SelectMany(WorkflowIdsNamedIn),
        _ => [],
    };

    private static string RepositoryFolder(params string[] parts)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine([folder.FullName, .. parts]);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"{Path.Combine(parts)} is not above the test's output folder.");
    }
}
