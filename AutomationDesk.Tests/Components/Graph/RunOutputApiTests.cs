using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Components.Runs;

namespace AutomationDesk.Tests.Components.Graph;

[Collection(DeskAppCollection.Name)]
public sealed class RunOutputApiTests(DeskApp desk)
{
    [Fact]
    public async Task The_execution_detail_gives_dates_in_outputs_as_written_not_as_unicode_escapes()
    {
        var api = desk.Admin;
        var workflow = await RunsApi.SaveWorkflowAsync(api, "Dated API", """[ { "id": "a", "type": "transform", "config": { "value": { "at": "2026-01-01T09:00:00+00:00" } } } ]""");
        var id = await RunsApi.StartAsync(api, workflow, []);
        await RunsApi.WaitForStatusAsync(api, id, "Succeeded");

        var text = await api.GetStringAsync(new Uri($"/api/v1/executions/{id}", UriKind.Relative));

        Assert.Contains("\"2026-01-01T09:00:00+00:00\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", text, StringComparison.Ordinal);
        Assert.Equal("2026-01-01T09:00:00+00:00", JsonNode.Parse(text)!["steps"]![0]!["output"]!["at"]!.GetValue<string>());
    }
}
