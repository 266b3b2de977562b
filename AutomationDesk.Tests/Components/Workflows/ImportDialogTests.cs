using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class ImportDialogTests : DeskPageTest
{
    public ImportDialogTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    private IRenderedComponent<WorkflowList> OpenImport()
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        var list = Render<WorkflowList>();
        list.Find("[data-testid=import-workflows]").Click();
        _dialogs.WaitForElement("[data-testid=import-json] textarea");
        return list;
    }

    private void Paste(string json) => _dialogs.Find("[data-testid=import-json] textarea").Input(json);

    private List<string> Actions() => _dialogs.FindAll("[data-testid=import-item]").Select(i => i.GetAttribute("data-action")!).ToList();

    private int StoredWorkflows()
    {
        using var db = NewDb();
        return db.Workflows.Count();
    }

    [Fact]
    public async Task A_pasted_seed_era_definition_is_checked_first_then_imported_and_listed()
    {
        var list = OpenImport();
        Paste(SeedEraDefinitionTests.FullSeedEraWorkflow);

        _dialogs.Find("[data-testid=import-check]").Click();

        await _dialogs.WaitForAssertionAsync(() => Assert.Equal(["created"], Actions()));
        Assert.Contains("rewritten from seed era", _dialogs.Find("[data-testid=import-report]").TextContent, StringComparison.Ordinal);
        Assert.Contains("create_record_0", _dialogs.Find("[data-testid=import-report]").TextContent, StringComparison.Ordinal);
        Assert.Equal(0, StoredWorkflows());

        _dialogs.Find("[data-testid=import-confirm]").Click();

        await list.WaitForAssertionAsync(() => Assert.Contains("Store payments (seed era)",
            list.FindAll("[data-testid=workflow-name]").Select(n => n.TextContent.Trim())));
        Assert.Empty(_dialogs.FindAll("[data-testid=import-json]"));
        Assert.Equal(1, StoredWorkflows());
    }

    [Fact]
    public async Task An_invalid_definition_shows_its_problems_by_field_and_cannot_be_imported()
    {
        OpenImport();
        var broken = JsonNode.Parse(SeedEraDefinitionTests.FullSeedEraWorkflow)!.AsObject();
        broken["actions"]![1]!["type"] = "post_to_slack";
        Paste(new JsonArray(broken).ToJsonString());

        _dialogs.Find("[data-testid=import-check]").Click();

        await _dialogs.WaitForAssertionAsync(() => Assert.Equal(["invalid"], Actions()));
        Assert.Contains("workflows[0].actions[1].type", _dialogs.Find("[data-testid=import-report]").TextContent, StringComparison.Ordinal);
        Assert.True(_dialogs.Find("[data-testid=import-confirm]").HasAttribute("disabled"));
        Assert.Equal(0, StoredWorkflows());
    }

    [Fact]
    public async Task Text_that_is_not_a_definition_is_refused_with_what_is_wrong()
    {
        OpenImport();
        Paste("{ \"name\": ");

        _dialogs.Find("[data-testid=import-check]").Click();

        await _dialogs.WaitForAssertionAsync(() => Assert.Contains("Malformed JSON", _dialogs.Find("[data-testid=import-refusal]").TextContent, StringComparison.Ordinal));
        Assert.True(_dialogs.Find("[data-testid=import-confirm]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_uploaded_file_is_checked_at_once()
    {
        await Services.GetRequiredService<WorkflowStore>().CreateAsync(Drafts.Greeting("Already here", [], true), Actor.System, CancellationToken.None);
        OpenImport();

        _dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Drafts.Greeting("Already here", ["changed"], true), "greeting.json"));

        await _dialogs.WaitForAssertionAsync(() => Assert.Equal(["updated"], Actions()));
        Assert.Contains("greeting.json", _dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_has_no_import_button()
    {
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(DeskPolicies.Read);
        Render<MudPopoverProvider>();

        var list = Render<WorkflowList>();

        Assert.Empty(list.FindAll("[data-testid=import-workflows]"));
    }
}
