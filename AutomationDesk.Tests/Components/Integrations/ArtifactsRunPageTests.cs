using AutomationDesk.Core.Artifacts;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Integrations;

/// <summary>A run's artifacts on its page: thumbnails for images, downloads for other files, size and step, following the run live.</summary>
public sealed class ArtifactsRunPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private Task<Artifact> KeepAsync(Guid executionId, string name, string contentType, int size) =>
        Services.GetRequiredService<ArtifactStore>().SaveAsync(executionId, "greet", name, contentType, new MemoryStream(new byte[size]), CancellationToken.None);

    [Fact]
    public async Task Artifacts_show_a_thumbnail_for_an_image_and_a_download_for_anything_else_with_size_and_step()
    {
        var run = await RunToEndAsync(await SaveSucceedingWorkflowAsync("Rendered"));
        var image = await KeepAsync(run.Id, "fox.png", "image/png", 1536);
        var page = await KeepAsync(run.Id, "report.html", "text/html", 300);

        var cut = Render<RunArtifacts>(p => p.Add(c => c.ExecutionId, run.Id).Add(c => c.Version, 1));

        var thumbnail = cut.Find($"[data-artifact-id='{image.Id}'] [data-testid=artifact-thumbnail]");
        Assert.Equal($"/api/v1/executions/{run.Id}/artifacts/{image.Id}", thumbnail.GetAttribute("src"));
        Assert.Equal("fox.png", thumbnail.GetAttribute("alt"));
        Assert.Equal("1.5 KB · step greet", cut.Find($"[data-artifact-id='{image.Id}'] [data-testid=artifact-meta]").TextContent);
        Assert.Empty(cut.FindAll($"[data-artifact-id='{page.Id}'] img"));
        Assert.Equal($"/api/v1/executions/{run.Id}/artifacts/{page.Id}", cut.Find($"[data-artifact-id='{page.Id}'] [data-testid=artifact-download]").GetAttribute("href"));
        Assert.Equal("300 B · step greet", cut.Find($"[data-artifact-id='{page.Id}'] [data-testid=artifact-meta]").TextContent);
    }

    [Fact]
    public async Task Artifacts_appear_on_the_open_run_page_when_the_step_that_kept_them_ends()
    {
        var run = await StartAsync(await SaveSucceedingWorkflowAsync("Live render"));
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));
        cut.WaitForAssertion(() => Assert.Equal("Queued", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        var image = await KeepAsync(run.Id, "fox.png", "image/png", FakeComfyUiServer.Png.Length);
        Assert.Empty(cut.FindAll("[data-testid=run-artifacts]"));

        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Equal($"/api/v1/executions/{run.Id}/artifacts/{image.Id}",
            cut.Find("[data-testid=run-artifacts] [data-testid=artifact-thumbnail]").GetAttribute("src")), Patience);
    }
}
