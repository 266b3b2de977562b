using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Preflight;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Tests.Core.Connections;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Preflight;

/// <summary>Preflight finds each kind of fault, names its step and field, and says what to do.</summary>
public sealed class PreflightTests : IAsyncLifetime
{
    private static readonly Actor Admin = Actor.User("admin@desk.test");
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private Task<PreflightReport> CheckAsync(JsonObject definition, JsonObject? input = null) =>
        _desk.Get<WorkflowPreflight>().CheckDraftAsync(definition, null, input ?? [], CancellationToken.None);

    private static PreflightFinding Only(PreflightReport report, string field) =>
        Assert.Single(report.Findings, f => f.Field == field);

    [Fact]
    public async Task A_clean_workflow_passes_with_no_findings()
    {
        var report = await CheckAsync(Workflow(Transform("shape", "Order ${trigger.body.orderId}")), new JsonObject { ["orderId"] = 7 });

        Assert.True(report.Ok, string.Join("; ", report.Findings.Select(f => f.Message)));
        Assert.Empty(report.Findings);
    }

    [Fact]
    public async Task An_unknown_trigger_path_is_named_with_its_step_and_field()
    {
        var report = await CheckAsync(Workflow(Transform("shape", new JsonObject { ["order"] = "Order ${trigger.body.orderId}" })), new JsonObject { ["id"] = 7 });

        Assert.False(report.Ok);
        var finding = Only(report, "steps[0].config.value.order");
        Assert.Equal((PreflightSeverity.Error, "shape"), (finding.Severity, finding.StepId));
        Assert.Contains("`trigger.body.orderId` was not found", finding.Message);
        Assert.Contains("Add `trigger.body.orderId` to the sample input", finding.Action);
    }

    [Fact]
    public async Task A_missing_variable_is_found_and_a_global_or_workflow_variable_satisfies_it()
    {
        var missing = await CheckAsync(Workflow(Transform("shape", "${vars.region}-${vars.team}")));
        Assert.Equal(["steps[0].config.value", "steps[0].config.value"], missing.Findings.Select(f => f.Field));
        Assert.Contains("`vars.region` is not set", missing.Findings[0].Message);
        Assert.Contains("Set `vars.region` in Admin › Settings", missing.Findings[0].Action);

        await _desk.Get<DeskSettings>().SetAsync("vars.region", "eu", Admin, CancellationToken.None);
        var definition = Workflow(Transform("shape", "${vars.region}-${vars.team}")).WithSettings(new JsonObject { ["vars"] = new JsonObject { ["team"] = "ops" } });
        var satisfied = await CheckAsync(definition);

        Assert.Empty(satisfied.Findings);
        Assert.Equal(new JsonObject { ["value"] = "eu-ops" }.ToJsonString(), satisfied.Plan[0].Input!.ToJsonString());
    }

    [Fact]
    public async Task A_missing_secret_says_to_create_it_and_an_existing_one_is_masked_in_the_plan()
    {
        var definition = Workflow(Http("charge", "https://api.stripe.test/v1/charges", "POST")
            .With("headers", new JsonObject { ["Authorization"] = "Bearer ${secrets.stripe}" }));

        var missing = await CheckAsync(definition);
        var finding = Only(missing, "steps[0].config.headers.Authorization");
        Assert.Equal("Create the secret `stripe` in Admin › Secrets.", finding.Action);

        await _desk.Get<SecretStore>().SetAsync("stripe", "sk_live_very_secret_42", Admin, CancellationToken.None);
        var present = await CheckAsync(definition);

        Assert.Empty(present.Findings);
        Assert.Equal("Bearer ***", present.Plan[0].Input!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.DoesNotContain("sk_live_very_secret_42", System.Text.Json.JsonSerializer.Serialize(present));
    }

    [Fact]
    public async Task A_missing_connection_and_a_missing_default_connection_are_named()
    {
        var named = await CheckAsync(Workflow(Step("mail", "email.send", new JsonObject { ["connection"] = "mail", ["to"] = "a@desk.test", ["subject"] = "Hi", ["body"] = "Hi" })));
        var finding = Only(named, "steps[0].config.connection");
        Assert.Equal("The connection `mail` does not exist.", finding.Message);
        Assert.Contains("Create the connection `mail` in Admin › Connections", finding.Action);

        await _desk.Get<DeskSettings>().SetAsync(DeskSettings.EmailDefaultConnection, "outbox", Admin, CancellationToken.None);
        var byDefault = await CheckAsync(Workflow(Step("mail", "email.send", new JsonObject { ["to"] = "a@desk.test", ["subject"] = "Hi", ["body"] = "Hi" })));

        Assert.Equal("The connection `outbox` does not exist.", Only(byDefault, "steps[0].config.connection").Message);
    }

    [Fact]
    public async Task A_connection_whose_smtp_server_refuses_the_password_fails_its_test_with_the_server_s_words()
    {
        await using var server = await SmtpTestServer.StartAsync(login: ("reports", "right-pass-1"));
        var config = MailConnections.Server(server.Port, userName: "reports");
        config["from"] = "reports@desk.test";
        await _desk.CreateAsync("mail", "smtp", config, "wrong-pass-2");

        var report = await CheckAsync(Workflow(Step("mail", "email.send", new JsonObject { ["connection"] = "mail", ["to"] = "a@desk.test", ["subject"] = "Hi", ["body"] = "Hi" })));

        var finding = Only(report, "steps[0].config.connection");
        Assert.StartsWith("Connection `mail` failed its test: ", finding.Message);
        Assert.Contains("did not accept the user name and password", finding.Message);
        Assert.Equal("Check the password, token or API key of the connection `mail` in Admin › Connections.", finding.Action);
        Assert.Empty(server.Accepted);
    }

    [Fact]
    public async Task An_http_connection_answering_401_to_its_test_fails_preflight()
    {
        await using var api = await LoopbackServer.StartAsync(app => app.MapGet("/", () => Results.StatusCode(StatusCodes.Status401Unauthorized)));
        await _desk.CreateAsync("crm", "http", new JsonObject { ["baseUrl"] = api.Url("/"), ["allowPrivateNetwork"] = true });

        var report = await CheckAsync(Workflow(Step("call", "http.request", new JsonObject { ["connection"] = "crm", ["url"] = "", ["method"] = "GET" })));

        var finding = Only(report, "steps[0].config.connection");
        Assert.StartsWith("Connection `crm` failed its test:", finding.Message);
        Assert.Contains("401", finding.Message);
        Assert.Contains("connection `crm`", finding.Action);
    }

    [Fact]
    public async Task A_bad_cron_and_an_unknown_time_zone_are_findings_not_a_refusal()
    {
        JsonObject Scheduled(string cron, string zone)
        {
            var definition = Workflow(Transform("shape", "x"));
            definition["trigger"] = new JsonObject { ["type"] = "schedule", ["schedule"] = new JsonObject { ["cron"] = cron, ["timezone"] = zone } };
            return definition;
        }

        var badCron = await CheckAsync(Scheduled("61 * * * *", "UTC"));
        var badZone = await CheckAsync(Scheduled("0 9 * * *", "Mars/Olympus"));

        Assert.False(badCron.Ok);
        Assert.Contains("five-field cron", Only(badCron, "trigger.schedule.cron").Action);
        Assert.Contains("IANA time zone", Only(badZone, "trigger.schedule.timezone").Action);
        Assert.Single(badCron.Plan);
    }

    [Fact]
    public async Task A_webhook_signature_without_its_secret_is_found()
    {
        var empty = Workflow(Transform("shape", "x"));
        empty["trigger"] = new JsonObject { ["type"] = "webhook", ["webhook"] = new JsonObject { ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["header"] = "X-Sig", ["secret"] = "" } } };
        var referenced = Workflow(Transform("shape", "x"));
        referenced["trigger"] = new JsonObject { ["type"] = "webhook", ["webhook"] = new JsonObject { ["signature"] = new JsonObject { ["scheme"] = "hmac-sha256", ["header"] = "X-Sig", ["secret"] = "${secrets.hook}" } } };

        var unset = await CheckAsync(empty);
        var missing = await CheckAsync(referenced);

        Assert.Contains("signing secret", Only(unset, "trigger.webhook.signature.secret").Action);
        Assert.Equal("Create the secret `hook` in Admin › Secrets with the sender's signing secret.", Only(missing, "trigger.webhook.signature.secret").Action);
    }

    [Fact]
    public async Task A_foreach_list_that_is_not_a_list_with_the_sample_is_found_and_a_step_output_is_left_alone()
    {
        var target = await _desk.SaveAsync(Workflow("Item", Transform("item", "${trigger.body.item}")));
        JsonObject Loop(string items) => Workflow(Transform("list", new JsonArray(1, 2)), Step("each", "foreach", new JsonObject { ["items"] = items, ["workflowId"] = target.ToString() }));

        var text = await CheckAsync(Loop("${trigger.body.orders}"), new JsonObject { ["orders"] = "abc" });
        var list = await CheckAsync(Loop("${trigger.body.orders}"), new JsonObject { ["orders"] = new JsonArray(1) });
        var fromStep = await CheckAsync(Loop("${steps.list.output}"));

        var finding = Only(text, "steps[1].config.items");
        Assert.Contains("is text with the sample input, not a list", finding.Message);
        Assert.Empty(list.Findings);
        Assert.Empty(fromStep.Findings);
        Assert.Equal("⟨steps.list.output⟩", fromStep.Plan[1].Input!["items"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_workflow_run_target_that_is_missing_or_disabled_is_found()
    {
        var disabled = Workflow("Disabled child", Transform("x", "x"));
        disabled["enabled"] = false;
        var disabledId = await _desk.SaveAsync(disabled);
        var nowhere = Guid.CreateVersion7();

        var report = await CheckAsync(Workflow(
            Step("gone", "workflow.run", new JsonObject { ["workflowId"] = nowhere.ToString() }),
            Step("off", "workflow.run", new JsonObject { ["workflowId"] = disabledId.ToString() })));

        Assert.Equal($"There is no workflow `{nowhere}`.", Only(report, "steps[0].config.workflowId").Message);
        Assert.Contains("Enable `Disabled child`", Only(report, "steps[1].config.workflowId").Action);
    }

    [Fact]
    public async Task Timeouts_that_cannot_both_hold_are_found()
    {
        var slow = Transform("slow", "x");
        slow["timeout"] = "00:05:00";
        var definition = Workflow(slow, Delay("wait", TimeSpan.FromMinutes(10))).WithSettings(new JsonObject { ["timeout"] = "00:01:00" });

        var report = await CheckAsync(definition);

        Assert.Equal(PreflightSeverity.Warning, Only(report, "steps[0].timeout").Severity);
        var delay = Only(report, "steps[1].config.duration");
        Assert.Equal(PreflightSeverity.Error, delay.Severity);
        Assert.Contains("every run would time out in it", delay.Message);
    }

    [Fact]
    public async Task The_plan_says_what_runs_what_acts_and_with_what_input()
    {
        var definition = Workflow(
            Transform("shape", new JsonObject { ["who"] = "${trigger.body.who}" }),
            Http("read", "https://api.desk.test/items", "GET"),
            Http("write", "https://api.desk.test/items?who=${steps.shape.output.who}", "POST").DependsOn("shape"),
            Transform("vip", "yes").DependsOn("shape").When("${trigger.body.vip}"),
            Transform("after_vip", "x").DependsOn("vip"),
            Transform("maybe", "x").DependsOn("shape").When("${steps.shape.output.who}"));

        var report = await CheckAsync(definition, new JsonObject { ["who"] = "Ada", ["vip"] = false });

        Assert.Empty(report.Findings);
        Assert.Equal(
            [("shape", true, false), ("read", true, false), ("write", true, true), ("vip", false, false), ("after_vip", false, false), ("maybe", (bool?)null, false)],
            report.Plan.Select(p => (p.StepId, p.Runs, p.SideEffects)));
        Assert.Equal("Ada", report.Plan[0].Input!["value"]!["who"]!.GetValue<string>());
        Assert.Equal("https://api.desk.test/items?who=⟨steps.shape.output.who⟩", report.Plan[2].Input!["url"]!.GetValue<string>());
        Assert.Contains("`steps.shape.output.who`", report.Plan[5].Note);
        Assert.Contains("false with the sample input", report.Plan[3].Note);
    }

    [Fact]
    public async Task A_definition_that_does_not_validate_answers_its_errors_as_findings()
    {
        var definition = Workflow(Transform("Bad Id", "x"));
        definition["name"] = "";

        var report = await CheckAsync(definition);

        Assert.False(report.Ok);
        Assert.Contains(report.Findings, f => f.Field == "name");
        Assert.Contains(report.Findings, f => f.Field == "steps[0].id" && f.StepId == "Bad Id");
    }

    [Fact]
    public async Task A_saved_workflow_is_checked_with_its_last_test_sample_when_given_none()
    {
        var definition = Workflow(Transform("shape", "${trigger.body.who}"));
        var id = await _desk.SaveAsync(definition);
        var preflight = _desk.Get<WorkflowPreflight>();

        var before = await preflight.CheckWorkflowAsync(id, null, CancellationToken.None);
        var draft = System.Text.Json.JsonSerializer.Deserialize<AutomationDesk.Core.Workflows.WorkflowDefinition>(definition.ToJsonString(), AutomationDesk.Core.Workflows.DeskJson.Options)!;
        await _desk.Get<AutomationDesk.Core.Execution.ExecutionLauncher>().StartTestAsync(draft, id, new JsonObject { ["body"] = new JsonObject { ["who"] = "Ada" } }, Admin, CancellationToken.None);
        var after = await preflight.CheckWorkflowAsync(id, null, CancellationToken.None);

        Assert.False(before!.Ok);
        Assert.True(after!.Ok);
        Assert.Equal("Ada", after.Plan[0].Input!["value"]!.GetValue<string>());
        Assert.Null(await preflight.CheckWorkflowAsync(Guid.CreateVersion7(), null, CancellationToken.None));
    }
}
