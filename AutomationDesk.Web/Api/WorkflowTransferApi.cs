using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutomationDesk.Web.Api;

public sealed record WorkflowIds(IReadOnlyList<Guid>? Ids);

public sealed record BulkRequest(string? Action, IReadOnlyList<Guid>? Ids);

public sealed record BulkAnswer(BulkAction Action, IReadOnlyList<BulkOutcome> Workflows);

/// <summary>Import, export and bulk changes of workflows, beside the workflow routes under the same prefix.</summary>
public static class WorkflowTransferApi
{
    /// <summary>An import file may hold many workflows: a larger body limit than the desk's default.</summary>
    public const long ImportLimit = 8 * 1024 * 1024;

    public static RouteGroupBuilder MapWorkflowTransferApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows").RequireAuthorization(DeskPolicies.Read);
        group.MapPost("/import", Import).RequireAuthorization(DeskPolicies.Write)
            .Accepts<JsonNode>("application/json").WithMetadata(new RequestSizeLimitAttribute(ImportLimit)).WithSummary("Imports workflows (the desk's format or n8n's)");
        group.MapPost("/export", Export).WithSummary("Exports workflows as one document");
        group.MapPost("/bulk", Bulk).RequireAuthorization(DeskPolicies.Write).WithSummary("Enables, disables, archives, deletes or exports several workflows");
        return group;
    }

    static async Task<Results<Ok<ImportReport>, ValidationProblem>> Import(
        HttpRequest request, [FromQuery] string? strategy, [FromQuery] bool? dryRun, WorkflowImporter importer, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Enum.TryParse<ImportStrategy>(strategy ?? nameof(ImportStrategy.Merge), ignoreCase: true, out var chosen) || int.TryParse(strategy, out _))
        {
            throw DeskProblemException.InvalidField("strategy", $"'{strategy}' is not a strategy: merge, overwrite or skip.");
        }
        var report = await importer.ImportAsync(await RequestBody.ReadTextAsync(request, ct), chosen, dryRun == true, user.ToActor(), ct,
            createConnections: user.IsInRole(DeskRoles.Admin));
        if (report.Valid)
        {
            return TypedResults.Ok(report);
        }
        return TypedResults.ValidationProblem(report.Errors, title: "The import is not valid",
            detail: $"Nothing was imported. {string.Join(" ", report.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}",
            extensions: new Dictionary<string, object?> { ["workflows"] = report.Workflows });
    }

    static async Task<Ok<JsonObject>> Export(WorkflowIds body, WorkflowExporter exporter, CancellationToken ct) =>
        TypedResults.Ok(await exporter.ExportAsync(body.Ids ?? [], ct));

    static async Task<Results<Ok<BulkAnswer>, Ok<JsonObject>>> Bulk(BulkRequest body, WorkflowBulk bulk, WorkflowExporter exporter, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Enum.TryParse<BulkAction>(body.Action, ignoreCase: true, out var action) || int.TryParse(body.Action, out _))
        {
            throw DeskProblemException.InvalidField("action", $"'{body.Action}' is not a bulk action: enable, disable, archive, delete or export.");
        }
        if (action == BulkAction.Export)
        {
            return TypedResults.Ok(await exporter.ExportAsync(body.Ids ?? [], ct));
        }
        return TypedResults.Ok(new BulkAnswer(action, await bulk.ApplyAsync(action, body.Ids ?? [], user.ToActor(), ct)));
    }
}
