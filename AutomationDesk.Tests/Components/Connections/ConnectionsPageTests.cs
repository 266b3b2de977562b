using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Components.Pages.Connections;
using AutomationDesk.Web.Security;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Connections;

public sealed class ConnectionsPageTests : DeskPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public ConnectionsPageTests() : base(services =>
    {
        services.AddSingleton<ConnectionType, LoopbackConnectionType>();
        services.AddSingleton<IStep, LoopbackCheckStep>();
    })
    {
        Auth.SetPolicies(DeskPolicies.Read, DeskPolicies.Write, DeskPolicies.Admin);
    }

    private ConnectionStore Store => Services.GetRequiredService<ConnectionStore>();

    private Task<ConnectionView> CreateAsync(string name, string url, string auth = "token", string? token = LoopbackConnectionType.GoodToken) =>
        Store.CreateAsync(new ConnectionInput(name, LoopbackConnectionType.TypeName,
            new JsonObject { ["url"] = url, ["auth"] = auth },
            token is null ? null : new Dictionary<string, string?> { ["token"] = token }), Actor.System, CancellationToken.None);

    private IRenderedComponent<ConnectionList> RenderLoaded(int rows)
    {
        Render<MudPopoverProvider>();
        var page = Render<ConnectionList>();
        page.WaitForAssertion(() => Assert.Equal(rows, page.FindAll("[data-testid=connection-row]").Count), Patience);
        return page;
    }

    private static string HealthOf(IRenderedComponent<ConnectionList> page, string name) =>
        page.Find($"[data-testid=connection-row][data-name={name}] [data-testid=health-chip]").GetAttribute("data-health")!;

    [Fact]
    public async Task The_list_shows_each_connections_health_with_its_detail_and_never_a_secret()
    {
        await CreateAsync("mail-ok", "http://127.0.0.1:1");
        await CreateAsync("mail-failing", "http://127.0.0.1:2");
        await CreateAsync("mail-new", "http://127.0.0.1:3");
        await Store.RecordHealthAsync("mail-ok", new ConnectionTestResult(true, "Signed in.", 12), CancellationToken.None);
        await Store.RecordHealthAsync("mail-failing", new ConnectionTestResult(false, "The server refused the password.", 30), CancellationToken.None);

        var page = RenderLoaded(3);

        Assert.Equal("ok", HealthOf(page, "mail-ok"));
        Assert.Equal("failing", HealthOf(page, "mail-failing"));
        Assert.Equal("unknown", HealthOf(page, "mail-new"));
        Assert.Contains("The server refused the password.", page.Find("[data-name=mail-failing] [data-testid=health-detail]").TextContent, StringComparison.Ordinal);
        Assert.Contains("30 ms", page.Find("[data-name=mail-failing]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(LoopbackConnectionType.GoodToken, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_filters_by_health_and_searches_names()
    {
        await CreateAsync("crm-api", "http://127.0.0.1:1");
        await CreateAsync("billing-api", "http://127.0.0.1:2");
        await Store.RecordHealthAsync("billing-api", new ConnectionTestResult(false, "No answer."), CancellationToken.None);
        var page = RenderLoaded(2);

        page.Find("input[data-testid=search]").Change("crm");

        page.WaitForAssertion(() => Assert.Equal(["crm-api"], page.FindAll("[data-testid=connection-row]").Select(r => r.GetAttribute("data-name"))));
        page.Find("input[data-testid=search]").Change("");
        await page.InvokeAsync(() => page.FindComponent<MudSelect<ConnectionHealth?>>().Instance.ValueChanged.InvokeAsync(ConnectionHealth.Failing));
        page.WaitForAssertion(() => Assert.Equal(["billing-api"], page.FindAll("[data-testid=connection-row]").Select(r => r.GetAttribute("data-name"))));
    }

    [Theory]
    [InlineData("Admin", true, true)]
    [InlineData("Editor", false, true)]
    [InlineData("Viewer", false, false)]
    public async Task Admins_manage_editors_and_admins_test_and_viewers_only_read(string role, bool manages, bool tests)
    {
        Auth.SetRoles(role);
        await CreateAsync("shared", "http://127.0.0.1:1");

        var page = RenderLoaded(1);

        Assert.Equal(manages, page.FindAll("[data-testid=new-connection]").Count == 1);
        Assert.Equal(manages, page.FindAll("[data-testid=edit]").Count == 1);
        Assert.Equal(manages, page.FindAll("[data-testid=delete]").Count == 1);
        Assert.Equal(tests, page.FindAll("[data-testid=test]").Count == 1);
    }

    [Fact]
    public async Task Test_shows_what_happened_and_the_health_it_recorded()
    {
        await using var service = await LoopbackConnectionType.StartServiceAsync();
        await CreateAsync("service", service.BaseAddress.ToString().TrimEnd('/'));
        await CreateAsync("wrong-token", service.BaseAddress.ToString().TrimEnd('/'), token: "not-the-token");
        var page = RenderLoaded(2);

        page.Find("[data-name=service] [data-testid=test]").Click();
        page.Find("[data-name=wrong-token] [data-testid=test]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=test-result]").Count), Patience);
        var passed = page.Find("[data-name=service] [data-testid=test-result]");
        Assert.Equal("true", passed.GetAttribute("data-ok"));
        Assert.Contains("accepted the token", passed.TextContent, StringComparison.Ordinal);
        Assert.Contains(" ms)", passed.TextContent, StringComparison.Ordinal);
        Assert.Contains("401", page.Find("[data-name=wrong-token] [data-testid=test-result]").TextContent, StringComparison.Ordinal);
        Assert.Equal("ok", HealthOf(page, "service"));
        Assert.Equal("failing", HealthOf(page, "wrong-token"));
    }

    [Fact]
    public async Task The_page_follows_a_health_change_made_elsewhere()
    {
        await CreateAsync("watched", "http://127.0.0.1:1");
        var page = RenderLoaded(1);
        Assert.Equal("unknown", HealthOf(page, "watched"));

        // As the background refresh does: the store records the health and announces it.
        await Store.RecordHealthAsync("watched", new ConnectionTestResult(false, "Refused."), CancellationToken.None);

        page.WaitForAssertion(() => Assert.Equal("failing", HealthOf(page, "watched")), Patience);
    }

    [Fact]
    public async Task Deleting_a_connection_in_use_asks_first_then_shows_the_workflows_that_use_it()
    {
        await CreateAsync("in-use", "http://127.0.0.1:1");
        await Services.GetRequiredService<WorkflowStore>().CreateAsync(
            LoopbackCheckStep.Workflow("Nightly report", "in-use").ToJsonString(), Actor.System, CancellationToken.None);
        var page = RenderLoaded(1);

        page.Find("[data-name=in-use] [data-testid=delete]").Click();
        page.Find("[data-name=in-use] [data-testid=confirm-delete]").Click();

        page.WaitForAssertion(() => Assert.Contains("'Nightly report'", page.Find("[data-testid=delete-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Single(page.FindAll("[data-testid=connection-row]"));
    }

    [Fact]
    public async Task The_form_draws_the_types_fields_hides_those_that_do_not_apply_and_keeps_a_set_secret()
    {
        await CreateAsync("with-token", "http://127.0.0.1:1");
        await CreateAsync("open", "http://127.0.0.1:2", auth: "none", token: null);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderLoaded(2);

        page.Find("[data-name=with-token] [data-testid=edit]").Click();
        dialogs.WaitForElement("[data-testid=save-connection]");

        Assert.Equal(["url", "auth", "retries", "verbose", "token"], dialogs.FindAll("[data-testid=field]").Select(f => f.GetAttribute("data-field")));
        Assert.Contains("set — leave empty to keep", dialogs.Find("[data-field=token]").TextContent, StringComparison.Ordinal);
        Assert.Contains("checks a token", dialogs.Find("[data-testid=type-description]").TextContent, StringComparison.Ordinal);
        Assert.Equal("https://example.test/loopback-docs", dialogs.Find("[data-testid=type-docs]").GetAttribute("href"));
        Assert.Single(dialogs.FindAll("[data-testid=allow-private-network]"));

        dialogs.Find("[data-field=url] input").Change("http://127.0.0.1:4711");
        dialogs.Find("[data-testid=save-connection]").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=connection-dialog]")), Patience);
        var saved = (await Store.GetAsync("with-token", CancellationToken.None))!;
        Assert.Equal("http://127.0.0.1:4711", (string)saved.Config["url"]!);
        Assert.Equal(["token"], saved.SecretsSet);

        page.Find("[data-name=open] [data-testid=edit]").Click();
        dialogs.WaitForElement("[data-testid=save-connection]");
        Assert.DoesNotContain("token", dialogs.FindAll("[data-testid=field]").Select(f => f.GetAttribute("data-field")));
    }

    [Fact]
    public async Task The_form_names_the_field_a_save_was_refused_for()
    {
        await CreateAsync("to-break", "http://127.0.0.1:1");
        var dialogs = Render<MudDialogProvider>();
        var page = RenderLoaded(1);
        page.Find("[data-testid=edit]").Click();
        dialogs.WaitForElement("[data-testid=save-connection]");

        dialogs.Find("[data-field=url] input").Change("not a url");
        dialogs.Find("[data-testid=save-connection]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("not an absolute http or https URL", dialogs.Find("[data-field=url] [data-testid=field-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("http://127.0.0.1:1", (string)(await Store.GetAsync("to-break", CancellationToken.None))!.Config["url"]!);
    }
}
