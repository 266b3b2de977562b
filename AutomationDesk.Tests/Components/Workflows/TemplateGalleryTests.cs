using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>The gallery opened from the workflows page, and the editor's list of what a template still needs.</summary>
public sealed class TemplateGalleryTests : DeskPageTest
{
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public TemplateGalleryTests() => Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write);

    private void OpenGallery()
    {
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        Render<WorkflowList>().Find("[data-testid=new-from-template]").Click();
        _dialogs.WaitForElement("[data-testid=template-card]");
    }

    private List<string> Cards() => _dialogs.FindAll("[data-testid=template-card]").Select(c => c.GetAttribute("data-template-id")!).ToList();

    private void Use(string templateId) =>
        _dialogs.Find($"[data-testid=template-card][data-template-id={templateId}] [data-testid=use-template]").Click();

    [Fact]
    public void The_gallery_shows_a_card_per_template_with_its_steps_and_connections()
    {
        OpenGallery();

        Assert.True(Cards().Count >= 8);
        var github = _dialogs.Find("[data-testid=template-card][data-template-id=github-pull-request-to-slack]");
        Assert.Contains("http.request", github.QuerySelector("[data-testid=template-steps]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("slack (slack)", github.QuerySelector("[data-testid=template-connections]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searching_leaves_only_the_cards_that_match_every_word()
    {
        OpenGallery();

        _dialogs.Find("[data-testid=template-search] input").Input("slack github");

        await _dialogs.WaitForAssertionAsync(() => Assert.Equal(["github-pull-request-to-slack"], Cards()));
    }

    [Fact]
    public void A_category_chip_leaves_only_that_category()
    {
        OpenGallery();

        _dialogs.Find("[data-testid=category-chip][data-category=Payments]").Click();

        Assert.Equal(["stripe-payment-thank-you"], Cards());
    }

    [Fact]
    public async Task Choosing_a_template_creates_its_workflow_and_opens_the_editor_on_it()
    {
        OpenGallery();

        Use("github-pull-request-to-slack");

        var navigation = Services.GetRequiredService<NavigationManager>();
        await _dialogs.WaitForAssertionAsync(() => Assert.Contains("?template=github-pull-request-to-slack", navigation.Uri, StringComparison.Ordinal));
        using var db = NewDb();
        var workflow = Assert.Single(db.Workflows);
        Assert.EndsWith($"workflows/{workflow.Id}?template=github-pull-request-to-slack", navigation.Uri, StringComparison.Ordinal);
        Assert.False(workflow.Enabled);
        Assert.Equal("slack", Assert.Single(db.Connections).Name);
        Assert.Empty(_dialogs.FindAll("[data-testid=template-gallery]"));
    }

    [Fact]
    public async Task The_editor_of_a_workflow_made_from_a_template_says_which_connections_and_secrets_to_fill_in()
    {
        Auth.SetRoles("Editor");
        OpenGallery();
        Use("stripe-payment-thank-you");
        var navigation = Services.GetRequiredService<NavigationManager>();
        await _dialogs.WaitForAssertionAsync(() => Assert.Contains("?template=", navigation.Uri, StringComparison.Ordinal));
        using var db = NewDb();
        var id = Assert.Single(db.Workflows).Id;

        var editor = Render<WorkflowEditor>(p => p.Add(c => c.Id, id));

        var items = editor.WaitForElements("[data-testid=todo-item]").Select(i => i.TextContent).ToList();
        Assert.Contains(items, i => i.StartsWith("The SMTP (send email) connection 'mail' does not exist yet: an Admin creates it", StringComparison.Ordinal));
        Assert.Contains(items, i => i.StartsWith("Secret 'stripe_webhook_secret' does not exist yet", StringComparison.Ordinal));
        Assert.Empty(db.Connections);
    }
}
