using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Core.Workflows;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The templates API on a desk of its own (templates create connections such as <c>mail</c> and <c>slack</c>, which
/// the shared desk's tests must not meet): every template lists, instantiates with new ids and says what to fill in.
/// </summary>
public sealed class TemplatesApiTests(DeskApp desk) : IClassFixture<DeskApp>
{
    public static TheoryData<string> TemplateIds() => new(WorkflowTemplates.Files().Select(f => Path.GetFileNameWithoutExtension(f.Name)));

    private static JsonObject FileJson(string id) => JsonNode.Parse(WorkflowTemplates.Files().Single(f => f.Name == $"{id}.json").Json)!.AsObject();

    private async Task<JsonObject> InstantiateAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsync(new Uri($"/api/v1/templates/{id}/instantiate", UriKind.Relative), null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Using the template {id} answered {(int)response.StatusCode}: {text}");
        var instance = JsonNode.Parse(text)!.AsObject();
        Assert.Equal($"/api/v1/workflows/{instance["mainWorkflowId"]}", response.Headers.Location?.ToString());
        return instance;
    }

    private async Task<List<string>> ConnectionNamesAsync() =>
        (await desk.Viewer.GetPageAsync("/api/v1/connections?pageSize=200", pageSize: 200)).Select(c => (string)c!["name"]!).ToList();

    [Fact]
    public async Task The_list_shows_every_template_with_what_its_card_needs()
    {
        using var response = await desk.Viewer.GetAsync(new Uri("/api/v1/templates", UriKind.Relative));
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

        Assert.Equal(WorkflowTemplates.Files().Select(f => Path.GetFileNameWithoutExtension(f.Name)).Order(), list.Select(t => (string)t!["id"]!).Order());
        var github = list.Single(t => (string)t!["id"]! == "github-pull-request-to-slack")!;
        Assert.Equal(["condition", "http.request"], github["stepTypes"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["webhook"], github["triggers"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(("slack", "slack"), ((string)github["connections"]![0]!["name"]!, (string)github["connections"]![0]!["type"]!));
        Assert.Equal("github_webhook_secret", (string)github["secrets"]![0]!["name"]!);
    }

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public async Task Every_template_creates_its_workflows_with_new_ids_that_name_each_other(string id)
    {
        var file = FileJson(id);
        var fileIds = file["workflows"]!.AsArray().Select(w => Guid.Parse((string)w!["id"]!)).ToList();

        var instance = await InstantiateAsync(desk.Admin, id);

        var created = instance["workflows"]!.AsArray().Select(w => Guid.Parse((string)w!["id"]!)).ToList();
        Assert.Equal(fileIds.Count, created.Count);
        Assert.Empty(created.Intersect(fileIds));
        Assert.Equal(Guid.Parse((string)instance["mainWorkflowId"]!), created[0]);
        foreach (var (workflowId, index) in created.Select((w, i) => (w, i)))
        {
            var stored = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflowId}");
            Assert.Equal((bool)instance["workflows"]![index]!["enabled"]!, (bool)stored["enabled"]!);
            Assert.All(WorkflowTemplateFileTests.WorkflowIdsNamedIn(stored), named => Assert.Contains(named, created));
        }
        var connections = await ConnectionNamesAsync();
        Assert.All(instance["connections"]!.AsArray(), c =>
        {
            Assert.Contains((string)c!["name"]!, connections);
            Assert.NotEqual(ConnectionNeeds.Missing, (string)c["state"]!);
        });
        Assert.All(instance["secrets"]!.AsArray(), s => Assert.Contains((string)s!["name"]!, string.Join(" ", instance["toDo"]!.AsArray())));
    }

    [Fact]
    public async Task Using_a_template_twice_makes_two_parents_each_calling_its_own_sub_workflow()
    {
        var first = await InstantiateAsync(desk.Editor, "foreach-orders-sub-workflow");
        var second = await InstantiateAsync(desk.Editor, "foreach-orders-sub-workflow");

        foreach (var instance in new[] { first, second })
        {
            var parent = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{instance["mainWorkflowId"]}");
            var child = Guid.Parse((string)instance["workflows"]![1]!["id"]!);
            Assert.Equal(child, Guid.Parse((string)parent["steps"]![1]!["config"]!["workflowId"]!));
        }
        Assert.NotEqual((string)first["mainWorkflowId"]!, (string)second["mainWorkflowId"]!);
    }

    [Fact]
    public async Task An_editor_s_use_creates_no_connection_and_says_which_are_missing()
    {
        var before = await ConnectionNamesAsync();

        var instance = await InstantiateAsync(desk.Editor, "error-workflow-pages-on-call");

        Assert.Equal(before, await ConnectionNamesAsync());
        var toDo = string.Join("\n", instance["toDo"]!.AsArray());
        foreach (var need in instance["connections"]!.AsArray())
        {
            var name = (string)need!["name"]!;
            Assert.Equal(before.Contains(name), (string)need["state"]! != ConnectionNeeds.Missing);
            if (!before.Contains(name))
            {
                Assert.Contains($"connection '{name}' does not exist yet", toDo, StringComparison.Ordinal);
                Assert.Contains("an Admin creates it", toDo, StringComparison.Ordinal);
            }
        }
        Assert.Contains("'Nightly export (pages on failure)' was created disabled", toDo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_may_look_but_not_use_a_template()
    {
        using var detail = await desk.Viewer.GetAsync(new Uri("/api/v1/templates/nightly-cleanup", UriKind.Relative));
        using var use = await desk.Viewer.PostAsync(new Uri("/api/v1/templates/nightly-cleanup/instantiate", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, use.StatusCode);
    }

    [Fact]
    public async Task An_unknown_template_is_not_found_by_name()
    {
        using var response = await desk.Editor.PostAsync(new Uri("/api/v1/templates/no-such-template/instantiate", UriKind.Relative), null);

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("no-such-template", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_file_imports_as_it_is_through_the_ordinary_import()
    {
        var file = WorkflowTemplates.Files().Single(f => f.Name == "stripe-payment-thank-you.json").Json;

        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows/import?dryRun=true", file);

        var report = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("created", (string)report["workflows"]![0]!["action"]!);
    }
}
