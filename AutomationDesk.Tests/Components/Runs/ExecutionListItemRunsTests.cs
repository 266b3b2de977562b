using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class ExecutionListItemRunsTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Item_runs_show_by_default_and_the_switch_hides_them_and_keeps_the_choice_in_the_address()
    {
        var each = await SaveSucceedingWorkflowAsync("Each");
        var loop = await SaveWorkflowAsync("Loop", $$"""[ { "id": "loop", "type": "foreach", "config": { "items": [1, 2], "workflowId": "{{each}}" } } ]""");
        await RunToEndAsync(loop);
        var cut = Render<ExecutionList>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=execution-link]").Count), Patience);
        Assert.Equal(2, cut.FindAll("[data-testid=execution-item]").Count);

        var hide = cut.FindComponent<MudBlazor.MudSwitch<bool>>();
        await cut.InvokeAsync(() => hide.Instance.ValueChanged.InvokeAsync(true));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=execution-link]")), Patience);
        Assert.Contains("itemRuns=hide", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
