using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The editor's draft, which the Test run starts from, is held to the same limits as a save.</summary>
public sealed class DraftLimitsTests : DeskPageTest
{
    [Fact]
    public void A_draft_with_a_step_timeout_over_24_hours_has_no_definition_to_test_and_names_the_field()
    {
        var draft = new WorkflowDraft(Services.GetRequiredService<WorkflowDefinitionReader>(), Services.GetRequiredService<StepRegistry>());
        draft.Root["name"] = "Long wait";
        draft.AddStep("transform");
        draft.Steps[0]!["timeout"] = "60.00:00:00";

        draft.Touch();

        Assert.Null(draft.Definition);
        Assert.Equal("At most 24 hours.", draft.ErrorAt("steps[0].timeout"));
    }
}
