using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class ExportButtonTests : DeskPageTest
{
    [Fact]
    public async Task The_link_downloads_an_export_file_of_the_workflows_with_secret_references_only()
    {
        await Services.GetRequiredService<SecretStore>().SetAsync("greeting_key", "hello-secret-value", Actor.System, CancellationToken.None);
        var definition = JsonNode.Parse(Drafts.Greeting("Exported"))!.AsObject();
        definition["description"] = "uses hello-secret-value";
        var saved = await Services.GetRequiredService<WorkflowStore>().CreateAsync(definition.ToJsonString(), Actor.System, CancellationToken.None);
        var id = saved["id"]!.GetValue<Guid>();

        var cut = Render<ExportButton>(p => p.Add(b => b.Ids, [id]).Add(b => b.FileName, "exported.json"));

        var link = cut.Find("[data-testid=export-workflows]");
        Assert.Equal("exported.json", link.GetAttribute("download"));
        var href = link.GetAttribute("href")!;
        Assert.StartsWith("data:application/json;base64,", href, StringComparison.Ordinal);
        var file = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(href.Split(',')[1])))!;
        var exported = file["workflows"]![0]!;
        Assert.Equal(id.ToString(), (string)exported["id"]!);
        Assert.Equal("uses ${secrets.greeting_key}", (string)exported["description"]!);
    }

    [Fact]
    public void With_no_workflows_there_is_nothing_to_download()
    {
        var cut = Render<ExportButton>(p => p.Add(b => b.Ids, Array.Empty<Guid>()));

        Assert.Empty(cut.FindAll("[data-testid=export-workflows]"));
    }
}
