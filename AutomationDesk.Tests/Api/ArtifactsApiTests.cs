using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>A run's artifacts through <c>/api/v1/executions/{id}/artifacts</c>: the list and the files, with safe headers.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class ArtifactsApiTests(DeskApp desk)
{
    /// <summary>A finished run to hang artifacts on; they are kept the way a step keeps them.</summary>
    private async Task<Guid> RunAsync()
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName("Artifacts"), "artifact_runs")))["id"]);
        return ApiAnswers.V7((await Workflows.RunAsync(desk.Editor, workflowId, new { customer = "c-1", amount = 1 }))["id"]);
    }

    private async Task<JsonArray> ListAsync(Guid executionId)
    {
        using var response = await desk.Viewer.GetAsync(new Uri($"/api/v1/executions/{executionId}/artifacts", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonArray)!;
    }

    private Task<Artifact> KeepAsync(Guid executionId, string name, string contentType, byte[] bytes) =>
        desk.Services.GetRequiredService<ArtifactStore>().SaveAsync(executionId, "render", name, contentType, new MemoryStream(bytes), CancellationToken.None);

    [Fact]
    public async Task Artifacts_png_is_listed_and_served_inline_with_its_type_nosniff_and_the_same_bytes()
    {
        var executionId = await RunAsync();
        var artifact = await KeepAsync(executionId, "fox.png", "image/png", FakeComfyUiServer.Png);

        var listed = Assert.Single(await ListAsync(executionId))!;
        using var file = await desk.Viewer.GetAsync(new Uri((string)listed["url"]!, UriKind.Relative));

        Assert.Equal(artifact.Id.ToString(), (string)listed["id"]!);
        Assert.Equal(("fox.png", "image/png", FakeComfyUiServer.Png.Length, "render"),
            ((string)listed["name"]!, (string)listed["contentType"]!, (int)listed["size"]!, (string)listed["stepId"]!));
        Assert.NotNull(listed["createdAt"]);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", file.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("fox.png", file.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(FakeComfyUiServer.Png, await file.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("page.html", "text/html")]
    [InlineData("logo.svg", "image/svg+xml")]
    [InlineData("notes.bin", "application/x-custom")]
    public async Task Artifacts_that_are_not_raster_images_are_downloads_of_octet_stream_so_they_cannot_run_script(string name, string contentType)
    {
        var executionId = await RunAsync();
        var bytes = Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/><script>alert(1)</script>");
        var artifact = await KeepAsync(executionId, name, contentType, bytes);

        using var file = await desk.Viewer.GetAsync(new Uri($"/api/v1/executions/{executionId}/artifacts/{artifact.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/octet-stream", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", file.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(name, file.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Artifacts_need_a_signed_in_user()
    {
        var executionId = await RunAsync();
        var artifact = await KeepAsync(executionId, "fox.png", "image/png", FakeComfyUiServer.Png);
        using var anonymous = desk.Anonymous();

        using var list = await anonymous.GetAsync(new Uri($"/api/v1/executions/{executionId}/artifacts", UriKind.Relative));
        using var file = await anonymous.GetAsync(new Uri($"/api/v1/executions/{executionId}/artifacts/{artifact.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
    }

    [Fact]
    public async Task Artifacts_of_an_unknown_run_or_of_another_run_are_not_found()
    {
        var executionId = await RunAsync();
        var otherId = await RunAsync();
        var artifact = await KeepAsync(executionId, "fox.png", "image/png", FakeComfyUiServer.Png);

        using var unknownRun = await desk.Viewer.GetAsync(new Uri($"/api/v1/executions/{Guid.CreateVersion7()}/artifacts", UriKind.Relative));
        using var wrongRun = await desk.Viewer.GetAsync(new Uri($"/api/v1/executions/{otherId}/artifacts/{artifact.Id}", UriKind.Relative));

        await unknownRun.ProblemAsync(HttpStatusCode.NotFound);
        await wrongRun.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(otherId));
    }
}
