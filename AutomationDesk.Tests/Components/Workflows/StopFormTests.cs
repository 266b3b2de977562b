using Bunit;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class StopFormTests : ComposeFormTest
{
    [Fact]
    public async Task Status_and_message_land_in_the_definition_with_the_when_hint_shown()
    {
        var (draft, cut) = RenderForm("stop");

        var status = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "End the run as");
        await cut.InvokeAsync(() => status.Instance.ValueChanged.InvokeAsync("failed"));
        cut.Find("div[data-field='steps[1].config.message'] input").Input("No orders for ${trigger.body.day}");

        Assert.Equal("""{"status":"failed","message":"No orders for ${trigger.body.day}"}""", draft.Config(1).ToJsonString());
        Assert.Empty(draft.Errors);
        Assert.Contains("When", cut.Find("[data-testid=stop-when-hint]").TextContent);
    }

    [Fact]
    public void A_message_naming_an_unknown_step_shows_core_s_error_at_the_message()
    {
        var (_, cut) = RenderForm("stop");

        cut.Find("div[data-field='steps[1].config.message'] input").Input("Stopped by ${steps.nowhere.output}");

        Assert.Contains("nowhere", cut.Find("div[data-field='steps[1].config.message']").TextContent);
    }
}
