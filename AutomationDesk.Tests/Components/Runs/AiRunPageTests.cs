using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class AiRunPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Ai_run_page_shows_the_answer_as_wrapped_text_and_the_tokens_the_run_used()
    {
        await using var ai = await FakeOpenAiServer.StartAsync();
        await Services.GetRequiredService<ConnectionStore>().CreateAsync(new ConnectionInput("ai", "openai",
            new JsonObject { ["baseUrl"] = ai.BaseUrl, ["model"] = "gpt-4o-mini" }, new Dictionary<string, string?> { ["apiKey"] = ai.ApiKey }),
            Actor.System, CancellationToken.None);
        ai.Reply(new FakeAiReply("Line one.\nLine two of a long answer.", PromptTokens: 1200, CompletionTokens: 300));
        ai.Reply(new FakeAiReply("Short.", PromptTokens: 5, CompletionTokens: 2));
        var workflow = await SaveWorkflowAsync("Summarise", """
            [ { "id": "summary", "type": "ai.prompt", "config": { "connection": "ai", "prompt": "Summarise" } },
              { "id": "title", "type": "ai.prompt", "config": { "connection": "ai", "prompt": "Title for ${steps.summary.output.text}" } } ]
            """);
        var run = await RunToEndAsync(workflow);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=step][data-step-status=Succeeded]").Count), Patience);
        var usage = cut.Find("[data-testid=run-usage]");
        Assert.Equal("1507", usage.GetAttribute("data-total-tokens"));
        Assert.Contains("1,507", usage.TextContent, StringComparison.Ordinal);
        Assert.Equal("Line one.\nLine two of a long answer.", cut.Find("[data-testid=step][data-step-id=summary] [data-testid=ai-answer]").TextContent);
    }

    [Fact]
    public async Task Ai_run_page_of_a_run_without_ai_shows_no_usage()
    {
        var run = await RunToEndAsync(await SaveSucceedingWorkflowAsync("Plain"));

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=step][data-step-status=Succeeded]")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=run-usage]"));
        Assert.Empty(cut.FindAll("[data-testid=ai-answer]"));
    }
}
