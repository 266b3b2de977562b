using System.Net;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class QueryValueTests(DeskApp desk)
{
    [Theory]
    [InlineData("/api/v1/workflows?enabled=maybe", "enabled")]
    [InlineData("/api/v1/executions?from=yesterday", "from")]
    [InlineData("/api/v1/executions?workflowId=not-a-guid", "workflowId")]
    [InlineData("/api/v1/executions/00000000-0000-0000-0000-000000000000/logs?level=Loud", "level")]
    public async Task A_query_value_of_the_wrong_type_is_a_400_problem_naming_the_parameter(string path, string parameter)
    {
        using var response = await desk.Viewer.GetAsync(path);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(parameter, (string)problem["detail"]!, StringComparison.Ordinal);
    }
}
