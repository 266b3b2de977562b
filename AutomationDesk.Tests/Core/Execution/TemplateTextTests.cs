using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>A value placed inside text reads as a person wrote it: JSON without escapes meant for HTML.</summary>
public sealed class TemplateTextTests
{
    [Fact]
    public void An_object_inside_text_keeps_its_letters_ampersands_and_quotes()
    {
        var scope = new JsonObject
        {
            ["steps"] = new JsonObject
            {
                ["fetch"] = new JsonObject { ["output"] = new JsonObject { ["body"] = new JsonArray(new JsonObject { ["customer"] = "Müller & Söhne <\"GmbH\">" }) } },
            },
        };

        var text = TemplateResolver.ResolveText("Summarise: ${steps.fetch.output.body}", scope);

        Assert.Equal("""Summarise: [{"customer":"Müller & Söhne <\"GmbH\">"}]""", (string?)text);
    }
}
