using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class ForeachFormTests : ComposeFormTest
{
    [Fact]
    public async Task Items_workflow_input_concurrency_and_on_item_error_land_in_the_definition()
    {
        var each = await SaveWorkflowAsync("Ship order");
        var (draft, cut) = RenderForm("foreach");

        cut.Find("div[data-field='steps[1].config.items'] input").Input("${steps.transform.output}");
        await PickWorkflowAsync(cut, "Ship order");
        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("""{ "order": "${item}", "n": "${index}" }""");
        cut.Find("div[data-field='steps[1].config.concurrency'] input").Change("8");
        var onError = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "When an item fails");
        await cut.InvokeAsync(() => onError.Instance.ValueChanged.InvokeAsync("continue"));

        Assert.Equal(
            $$"""{"items":"${steps.transform.output}","workflowId":"{{each}}","input":{"order":"${item}","n":"${index}"},"concurrency":8,"onItemError":"continue"}""",
            draft.Config(1).ToJsonString());
        Assert.Empty(draft.Errors);
        Assert.Contains("Every item runs", cut.Find("[data-testid=foreach-on-item-error-hint]").TextContent);
    }

    [Fact]
    public void The_per_item_input_offers_item_and_index_and_the_items_field_does_not()
    {
        var (_, cut) = RenderForm("foreach");

        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("{ \"order\": \"${");
        var inInput = cut.FindAll("div[data-field='steps[1].config.input'] [data-testid=template-suggestion]").Select(s => s.GetAttribute("data-path")).ToList();
        cut.Find("div[data-field='steps[1].config.items'] input").Input("${");
        var inItems = cut.FindAll("div[data-field='steps[1].config.items'] [data-testid=template-suggestion]").Select(s => s.GetAttribute("data-path")).ToList();

        Assert.Equal(["item", "index"], inInput.Take(2));
        Assert.Contains("trigger.body", inInput);
        Assert.DoesNotContain("item", inItems);
        Assert.DoesNotContain("index", inItems);
        Assert.Contains("trigger.body", inItems);
    }

    [Fact]
    public void Missing_items_and_workflow_show_core_s_errors_beside_their_fields()
    {
        var (draft, cut) = RenderForm("foreach");

        draft.ShowAllErrors();
        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("");

        Assert.Contains("Required.", cut.Find("div[data-field='steps[1].config.items']").TextContent);
        Assert.Contains("Required.", cut.Find("div[data-field='steps[1].config.workflowId']").TextContent);
    }

    [Fact]
    public void An_item_template_outside_the_per_item_input_is_refused_at_its_field()
    {
        var (_, cut) = RenderForm("foreach");

        cut.Find("div[data-field='steps[1].config.items'] input").Input("${item.orders}");

        var items = cut.Find("div[data-field='steps[1].config.items']").TextContent;
        Assert.Contains("item", items.Replace("${item.orders}", ""));
        Assert.DoesNotContain("Must resolve to a list", items);
    }
}
