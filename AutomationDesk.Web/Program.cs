using AutomationDesk.Core;
using AutomationDesk.Web;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Components;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Jobs;
using AutomationDesk.Web.Security;
using Hangfire;

// Settings are read at start. The database sits under the content root (data/), and a watcher for changed
// appsettings files wakes for every write to any file below it: at load that cost 7% of the CPU. It stays off
// unless asked for on the command line (--hostBuilder:reloadConfigOnChange=true, which comes later and wins).
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.Services.AddDeskCore(builder.Configuration);
builder.Services.AddDeskWeb(builder.Configuration);

var app = builder.Build();
await app.InitializeDeskAsync();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseRateLimiter();
app.UseMiddleware<RequestSizeLimit>();
app.UseAuthentication();
app.UseMiddleware<SameOriginCheck>();
app.UseAuthorization();
app.UseMiddleware<JsonBodyRequired>();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDeskHealth();
app.MapDeskMetrics();
app.MapOpenApi().AllowAnonymous();
app.MapDeskApiReference();
app.MapAccountEndpoints();
app.MapWorkflowsApi();
app.MapPreflightApi();
app.MapPinnedDataApi();
app.MapWorkflowTransferApi();
app.MapWorkflowStatsApi();
app.MapTemplatesApi();
app.MapExecutionsApi();
app.MapExecutionEventsApi();
app.MapArtifactsApi();
app.MapDeadLettersApi();
app.MapMonitorApi();
app.MapNotificationsApi();
app.MapNotificationChannelsApi();
app.MapCollectionsApi();
app.MapSecretsApi();
app.MapAuditApi();
app.MapApiKeysApi();
app.MapUsersApi();
app.MapWorkflowWebhookApi();
app.MapWebhookEventsApi();
app.MapWebhookReceivers();
app.MapInboxApi();
app.MapSchedulesApi();
app.MapConnectionsApi();
app.MapSettingsApi();
app.MapMaintenanceApi();
app.MapHub<DeskHub>(DeskHub.Route);
app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], DisplayStorageConnectionString = false })
    .RequireAuthorization(DeskPolicies.Admin);
// Runs have an in-memory job storage of their own (see AddJobs): its dashboard sits beside the lasting one.
app.MapHangfireDashboard(RunJobStorage.DashboardPath, new DashboardOptions { Authorization = [], DisplayStorageConnectionString = false, AppPath = "/hangfire" },
        app.Services.GetRequiredService<RunJobStorage>().Storage)
    .RequireAuthorization(DeskPolicies.Admin);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
