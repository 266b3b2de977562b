using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Preflight;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Preflight: a saved workflow, or a draft, checked against a sample input without running it. Editors only: a
/// preflight tests connections, which reaches the services they point at. Bodies have the desk's default size limit.
/// </summary>
public static class PreflightApi
{
    public static RouteGroupBuilder MapPreflightApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Preflight").RequireAuthorization(DeskPolicies.Write);
        group.MapPost("/workflows/{id:guid}/preflight", ForWorkflow).Accepts<JsonObject>("application/json").WithSummary("Checks a saved workflow before it runs");
        group.MapPost("/preflight", ForDraft).Accepts<JsonObject>("application/json").WithSummary("Checks a workflow definition before it is saved");
        return group;
    }

    /// <summary>The body is the sample input (the trigger's body); none at all uses the workflow's last test sample.</summary>
    static async Task<Results<Ok<PreflightReport>, ProblemHttpResult>> ForWorkflow(Guid id, HttpRequest request, WorkflowPreflight preflight, CancellationToken ct)
    {
        var text = await RequestBody.ReadTextAsync(request, ct);
        var input = string.IsNullOrWhiteSpace(text) ? null : ParseObject(text, "body");
        return await preflight.CheckWorkflowAsync(id, input, ct) is { } report ? TypedResults.Ok(report) : Problems.NotFound("workflow", id);
    }

    /// <summary><c>{ "definition": {…}, "input": {…}, "workflowId"?: "…" }</c>; the definition may have problems: they are findings.</summary>
    static async Task<Ok<PreflightReport>> ForDraft(HttpRequest request, WorkflowPreflight preflight, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, ct);
        if (body["definition"] is not JsonObject definition)
        {
            throw DeskProblemException.InvalidField("definition", "Required: the workflow definition to check, as a JSON object.");
        }
        var input = body["input"] switch
        {
            null => [],
            JsonObject given => (JsonObject)given.DeepClone(),
            _ => throw DeskProblemException.InvalidField("input", "The sample input must be a JSON object (the trigger's body)."),
        };
        Guid? workflowId = body["workflowId"] switch
        {
            null => null,
            var given when Guid.TryParse(given.TextOrNull(), out var parsed) => parsed,
            _ => throw DeskProblemException.InvalidField("workflowId", "Must be a workflow id."),
        };
        return TypedResults.Ok(await preflight.CheckDraftAsync((JsonObject)definition.DeepClone(), workflowId, input, ct));
    }

    private static JsonObject ParseObject(string text, string field)
    {
        try
        {
            return IncomingJson.Parse(text) as JsonObject
                ?? throw DeskProblemException.InvalidField(field, "The sample input must be a JSON object (the trigger's body).");
        }
        catch (JsonException e)
        {
            throw new DeskProblemException(ProblemKind.Invalid, "Malformed JSON", $"The body is not valid JSON: {e.Message}");
        }
    }
}
