using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>A template with the export file it creates, as <c>GET /api/v1/templates/{id}</c> answers.</summary>
public sealed record TemplateDetail(TemplateSummary Template, JsonObject Export);

/// <summary>The templates gallery: list the templates, read one, and use one to create its workflows.</summary>
public static class TemplatesApi
{
    public static RouteGroupBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists workflow templates");
        group.MapGet("/{id}", Get).WithSummary("Gets a workflow template");
        group.MapPost("/{id}/instantiate", Instantiate).RequireAuthorization(DeskPolicies.Write).WithSummary("Creates a workflow from a template");
        return group;
    }

    static Ok<IReadOnlyList<TemplateSummary>> List(WorkflowTemplates templates) => TypedResults.Ok(templates.List());

    static Results<Ok<TemplateDetail>, ProblemHttpResult> Get(string id, WorkflowTemplates templates) =>
        templates.Find(id) is { } template
            ? TypedResults.Ok(new TemplateDetail(template.Summary, (JsonObject)template.Export.DeepClone()))
            : Problems.NotFound("template", id);

    /// <summary>Creates the template's workflows; an Admin's use also creates the connections the desk lacks, without secrets.</summary>
    static async Task<Created<TemplateInstance>> Instantiate(string id, WorkflowTemplates templates, ClaimsPrincipal user, CancellationToken ct)
    {
        var instance = await templates.InstantiateAsync(id, user.ToActor(), createConnections: user.IsInRole(DeskRoles.Admin), ct);
        return TypedResults.Created($"/api/v1/workflows/{instance.MainWorkflowId}", instance);
    }
}
