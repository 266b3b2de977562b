using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>The executions list keeps its filters and page in the address, so a filtered view can be shared.</summary>
public sealed class ExecutionListAddressTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task Opening_an_address_restores_its_filters_and_page()
    {
        var alpha = await SaveFailingWorkflowAsync("Alpha");
        await RunToEndAsync(await SaveSucceedingWorkflowAsync("Beta"));
        for (var i = 0; i < 3; i++)
        {
            await RunToEndAsync(alpha);
        }

        Navigation.NavigateTo($"executions?status=Failed&workflowId={alpha}&range=7d&q=Alpha&pageSize=25&page=1");
        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=execution-link]").Count), Patience);
        Assert.Equal([ExecutionStatus.Failed], cut.FindComponents<MudSelect<ExecutionStatus>>().Single().Instance.GetState(x => x.SelectedValues));
        Assert.Equal(alpha, cut.FindComponent<MudSelect<Guid?>>().Instance.GetState(x => x.Value));
        Assert.Equal("7d", cut.FindComponent<MudSelect<TimeRange>>().Instance.GetState(x => x.Value)!.Key);
        Assert.Equal("Alpha", cut.Find("input[data-testid=filter-text], [data-testid=filter-text] input").GetAttribute("value"));
    }

    [Fact]
    public async Task The_second_page_in_the_address_opens_on_the_second_page()
    {
        var workflow = await SaveSucceedingWorkflowAsync("Many");
        for (var i = 0; i < 27; i++)
        {
            await RunToEndAsync(workflow);
        }

        Navigation.NavigateTo("executions?page=2");
        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=execution-link]").Count), Patience);
    }

    [Fact]
    public async Task Changing_a_filter_writes_it_into_the_address()
    {
        var beta = await SaveFailingWorkflowAsync("Beta");
        await RunToEndAsync(await SaveSucceedingWorkflowAsync("Alpha"));
        await RunToEndAsync(beta);
        var cut = Render<ExecutionList>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=execution-link]").Count), Patience);

        var status = cut.FindComponents<MudSelect<ExecutionStatus>>().Single();
        await cut.InvokeAsync(() => status.Instance.SelectedValuesChanged.InvokeAsync([ExecutionStatus.Failed, ExecutionStatus.TimedOut]));
        var workflow = cut.FindComponent<MudSelect<Guid?>>();
        await cut.InvokeAsync(() => workflow.Instance.ValueChanged.InvokeAsync(beta));

        cut.WaitForAssertion(() => Assert.Equal(["Beta"], cut.FindAll("[data-testid=execution-link]").Select(a => a.TextContent)), Patience);
        cut.WaitForAssertion(() => Assert.Equal($"?status=Failed%2CTimedOut&workflowId={beta}", new Uri(Navigation.Uri).Query), Patience);
    }
}
