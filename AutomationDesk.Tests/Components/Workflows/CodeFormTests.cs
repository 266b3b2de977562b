using Bunit;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class CodeFormTests : ComposeFormTest
{
    [Fact]
    public void The_script_is_edited_in_a_javascript_code_editor_bound_both_ways()
    {
        var (draft, cut) = RenderForm("code");
        const string Source = "const total = input.items.reduce((a, b) => a + b, 0);\nconsole.log(`${total}`);\nreturn { total };";

        cut.Find("[data-field='steps[1].config.source'] [data-testid=code-input]").Input(Source);

        Assert.Equal(Source, (string?)draft.Config(1)["source"]);
        Assert.Equal("javascript", cut.Find("[data-field='steps[1].config.source'] [data-testid=code-editor]").GetAttribute("data-language"));
        Assert.NotNull(cut.FindComponent<BlazorMonaco.Editor.StandaloneCodeEditor>());
        Assert.DoesNotContain(draft.Errors.Keys, k => k.StartsWith("steps[1]", StringComparison.Ordinal));

        // A value set elsewhere (the JSON tab) is what the editor then holds.
        draft.Config(1)["source"] = "return 1;";
        cut.FindComponent<AutomationDesk.Web.Components.Pages.Workflows.StepForms.CodeForm>().Render();
        Assert.Equal("return 1;", cut.Find("[data-field='steps[1].config.source'] [data-testid=code-input]").GetAttribute("value"));
    }

    [Fact]
    public void A_syntax_error_shows_beside_the_script_with_its_line()
    {
        var (_, cut) = RenderForm("code");

        cut.Find("[data-field='steps[1].config.source'] [data-testid=code-input]").Input("const a = 1;\nconst b = ;\nreturn a;");

        var error = cut.Find("[data-field='steps[1].config.source'] [data-testid=code-error]").TextContent;
        Assert.Contains("line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_with_a_template_lands_in_the_config_as_json()
    {
        var (draft, cut) = RenderForm("code");

        cut.Find("[data-field='steps[1].config.source'] [data-testid=code-input]").Input("return input;");
        cut.Find("div[data-field='steps[1].config.input'] textarea").Input("""{ "items": "${trigger.body.items}" }""");

        Assert.Equal("${trigger.body.items}", (string?)draft.Config(1)["input"]!["items"]);
    }
}
