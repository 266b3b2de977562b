using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Pinned;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutomationDesk.Web.Api;

/// <summary>
/// A workflow's pinned test data (the trigger and each step's last output, taken from a run) and "Execute this step",
/// which runs one step for real against it. Viewers read the pins; pinning, clearing and executing need the Editor role.
/// The step's body (an unsaved draft and a trigger body) has the same limit as an imported workflow.
/// </summary>
public static class PinnedDataApi
{
    /// <summary>The largest body of an execute-step request: a draft definition and a trigger body.</summary>
    public const long ExecuteStepLimit = 2 * 1024 * 1024;

    public static RouteGroupBuilder MapPinnedDataApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows/{id:guid}").WithTags("Pinned data").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/pinned", Read).WithSummary("The workflow's pinned trigger and step outputs");
        group.MapPost("/pinned", Pin).RequireAuthorization(DeskPolicies.Write).WithSummary("Pin the trigger and step outputs of one of the workflow's runs");
        group.MapDelete("/pinned", Clear).RequireAuthorization(DeskPolicies.Write).WithSummary("Forget the workflow's pinned data");
        group.MapPost("/steps/{stepId}/execute", ExecuteStep).RequireAuthorization(DeskPolicies.Write)
            .Accepts<JsonObject>("application/json").WithMetadata(new RequestSizeLimitAttribute(ExecuteStepLimit))
            .WithSummary("Run one step for real against the pinned outputs before it, and pin its output");
        return group;
    }

    static async Task<Results<Ok<PinnedData>, ProblemHttpResult>> Read(Guid id, PinnedOutputs pinned, CancellationToken ct) =>
        await pinned.ReadAsync(id, ct) is { } data ? TypedResults.Ok(data) : Problems.NotFound("workflow", id);

    static async Task<Results<Ok<PinnedData>, ProblemHttpResult>> Pin(Guid id, Guid? fromExecution, HttpContext http, PinnedOutputs pinned, CancellationToken ct)
    {
        if (fromExecution is not { } executionId)
        {
            throw DeskProblemException.InvalidField("fromExecution", "Required: the id of the run whose data to pin.");
        }
        return await pinned.PinRunAsync(id, executionId, http.User.ToActor(), ct) is { } data ? TypedResults.Ok(data) : Problems.NotFound("workflow", id);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Clear(Guid id, HttpContext http, PinnedOutputs pinned, CancellationToken ct) =>
        await pinned.ClearAsync(id, http.User.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("workflow", id);

    /// <summary><c>{ "definition"?: {…}, "input"?: {…} }</c>: the unsaved draft to take the step from, and the trigger's body.</summary>
    static async Task<Results<Ok<SingleStepResult>, ProblemHttpResult>> ExecuteStep(
        Guid id, string stepId, HttpRequest request, SingleStepRun steps, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, ct);
        var definition = body["definition"] switch
        {
            null => null,
            JsonObject given => (JsonObject)given.DeepClone(),
            _ => throw DeskProblemException.InvalidField("definition", "Must be a workflow definition (a JSON object)."),
        };
        var input = body["input"] switch
        {
            null => null,
            JsonObject given => (JsonObject)given.DeepClone(),
            _ => throw DeskProblemException.InvalidField("input", "Must be a JSON object: the trigger's body."),
        };
        return await steps.RunAsync(id, stepId, definition, input, request.HttpContext.User.ToActor(), ct) is { } result
            ? TypedResults.Ok(result)
            : Problems.NotFound("workflow", id);
    }
}
