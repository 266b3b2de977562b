using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace AutomationDesk.Web.Api;

/// <summary>A file a run kept, as the API lists it and the run page shows it.</summary>
public sealed record ArtifactView(Guid Id, string Name, string ContentType, long Size, string StepId, DateTimeOffset CreatedAt, string Url)
{
    /// <summary>Whether the desk serves it inline (a thumbnail on the run page); every other file is a download.</summary>
    public bool IsImage => ArtifactsApi.IsInlineImage(ContentType);
}

/// <summary>
/// A run's artifacts (ComfyUI's images, files steps made): the list and each file. Only raster images are served
/// inline, as the type they were stored with; everything else, HTML and SVG included, is an
/// <c>application/octet-stream</c> attachment with <c>nosniff</c>, so a file a run kept cannot run script on the desk's origin.
/// </summary>
public static class ArtifactsApi
{
    private static readonly HashSet<string> InlineImages = new(StringComparer.OrdinalIgnoreCase) { "image/png", "image/jpeg", "image/gif", "image/webp" };

    public static RouteGroupBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/executions/{id:guid}/artifacts").WithTags("Artifacts").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists the files a run kept");
        group.MapGet("/{artifactId:guid}", Download).WithSummary("Downloads one of a run's files");
        return group;
    }

    public static bool IsInlineImage(string contentType) => InlineImages.Contains(contentType.Split(';')[0].Trim());

    public static string UrlOf(Guid executionId, Guid artifactId) => $"/api/v1/executions/{executionId}/artifacts/{artifactId}";

    /// <summary>The run's artifacts in the order they were kept; the page and the API share it.</summary>
    public static async Task<IReadOnlyList<ArtifactView>> ListAsync(ArtifactStore artifacts, Guid executionId, CancellationToken ct) =>
        (await artifacts.ListAsync(executionId, ct))
            .Select(a => new ArtifactView(a.Id, a.Name, a.ContentType, a.Size, a.StepId, a.CreatedAt, UrlOf(a.ExecutionId, a.Id)))
            .ToList();

    static async Task<Results<Ok<IReadOnlyList<ArtifactView>>, ProblemHttpResult>> List(
        Guid id, ArtifactStore artifacts, IDbContextFactory<DeskDbContext> dbFactory, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Executions.AnyAsync(e => e.Id == id, ct))
            {
                return Problems.NotFound("execution", id);
            }
        }
        return TypedResults.Ok(await ListAsync(artifacts, id, ct));
    }

    static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, Guid artifactId, ArtifactStore artifacts, HttpResponse response, CancellationToken ct)
    {
        if (await artifacts.FindAsync(id, artifactId, ct) is not { } artifact)
        {
            return Problems.NotFound("artifact", artifactId);
        }
        if (artifacts.Open(artifact) is not { } file)
        {
            return TypedResults.Problem(title: "Artifact file missing", statusCode: StatusCodes.Status404NotFound,
                detail: $"The file of artifact {artifactId} ('{artifact.Name}') is no longer under the artifacts folder (Artifacts:Root).");
        }
        var inline = IsInlineImage(artifact.ContentType);
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(artifact.Name);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        // Even a file opened on its own is a sandboxed document that loads nothing.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.Stream(file, inline ? artifact.ContentType : "application/octet-stream");
    }
}
