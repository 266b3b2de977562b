using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>A key given twice in one JSON object is a 400 that names it, wherever the desk reads JSON; never a 500 or a wedged run.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class RepeatedKeyTests(DeskApp desk)
{
    [Fact]
    public async Task An_execute_body_with_a_repeated_key_is_refused_naming_it_and_starts_nothing()
    {
        var id = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Webhooks.Echo()))["id"]);

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{id}/execute", """{"order":{"x":1,"x":2}}""");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'x' appears twice in $.order", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, id));
    }

    [Fact]
    public async Task A_webhook_body_with_a_repeated_key_is_refused_naming_it_and_starts_nothing()
    {
        var hook = await Webhooks.CreateAsync(desk, Webhooks.Echo());

        using var response = await Webhooks.PostAsync(desk, hook.Path, """{"x":1,"x":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'x' appears twice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, hook.WorkflowId));
    }

    [Fact]
    public async Task An_inbox_delivery_with_a_repeated_key_is_refused_naming_it_and_starts_nothing()
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Webhooks.Echo()))["id"]);
        var source = $"custom-{Guid.NewGuid():N}";
        await using (var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            db.InboxSources.Add(new InboxSource
            {
                Id = Guid.CreateVersion7(), Name = source, Preset = "custom", SignatureScheme = InboxRouter.Unsigned, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            db.InboxRules.Add(new InboxRule { Id = Guid.CreateVersion7(), Source = source, EventType = "*", WorkflowId = workflowId, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        using var response = await Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", """{"action":"a","action":"b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'action' appears twice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, workflowId));
    }

    [Fact]
    public async Task A_workflow_with_a_repeated_key_is_refused_at_the_field_that_holds_it()
    {
        var text = """
            {"schemaVersion":1,"name":"Twice","trigger":{"type":"manual"},
             "steps":[{"id":"a","type":"transform","config":{"value":1,"value":2}}]}
            """;

        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows", text);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "steps[0].config.value");
        Assert.Contains("'value' appears twice", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_with_a_repeated_key_is_refused_naming_it()
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/workflows/import", """[{"name":"a","name":"b"}]""");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'name' appears twice", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_the_framework_reads_with_a_repeated_key_is_refused_naming_it()
    {
        using var content = new StringContent("""{"value":"first-value-1","value":"second-value-2"}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await desk.Admin.PutAsync($"/api/v1/secrets/twice-{Guid.NewGuid():N}", content);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'value'", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_repeated_key_is_found_with_its_path_in_nested_arrays()
    {
        var repeated = IncomingJson.FindRepeatedKey("""{"a":[1,{"b":{}},{"c":1,"c":2}]}"""u8);

        Assert.Equal(new IncomingJson.RepeatedKey("c", "$.a[2]"), repeated);
        Assert.Null(IncomingJson.FindRepeatedKey("""{"a":{"x":1},"b":{"x":1}}"""u8));
    }
}
