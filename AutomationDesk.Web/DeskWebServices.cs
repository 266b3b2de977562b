using System.Text.Json.Serialization;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Api;
using AutomationDesk.Web.Notifications;
using AutomationDesk.Web.Hubs;
using AutomationDesk.Web.Jobs;
using AutomationDesk.Web.Security;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

namespace AutomationDesk.Web;

public static class DeskWebServices
{
    /// <summary>The host around Core: sign-in, API, live channel, jobs and the Blazor UI.</summary>
    public static IServiceCollection AddDeskWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveDeskEvents>();
        services.AddSingleton<IDeskEvents>(sp => new MeasuredDeskEvents(
            sp.GetRequiredService<LiveDeskEvents>(), sp.GetRequiredService<DeskMetrics>(), sp.GetRequiredService<RunTraces>()));
        services.AddDeskTelemetry(configuration);
        services.AddSingleton<IExecutionDispatcher, HangfireExecutionDispatcher>();
        services.AddSingleton<ExecutionWaiter>();
        services.AddTransient<ExecutionJob>();
        services.AddSingleton<HangfireScheduleRegistry>();
        services.AddSingleton<IScheduleRegistry>(sp => sp.GetRequiredService<HangfireScheduleRegistry>());
        services.AddSingleton<HeldRunRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<HeldRunRelease>());
        services.AddTransient<ScheduleFireJob>();
        services.AddTransient<ScheduleWatchJob>();
        services.AddTransient<ConnectionHealthJob>();
        services.AddTransient<RetentionJob>();
        services.AddOptions<ConnectionHealthOptions>().BindConfiguration(ConnectionHealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ShutdownGrace>();
        services.AddHostedService<ChannelDeliveryLoop>();
        services.AddHostedService<TriggerPollLoop>();

        // Notifications, collections, audit and admin pages.
        services.AddSingleton<NotificationInbox>();
        services.AddScoped<AutomationDesk.Web.Components.Shared.BrowserTimeZone>();

        AddSignIn(services);
        services.AddDeskFrontDoor();
        AddJobs(services, configuration);

        // A query value of the wrong type is a problem that names the parameter, in every environment.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<DeskExceptionHandler>();
        services.ConfigureHttpJsonOptions(options =>
        {
            // A key given twice is refused (400 naming it), as in every other body the desk reads: see IncomingJson.
            options.SerializerOptions.AllowDuplicateProperties = false;
            // Answers are application/json, never HTML: dates keep their +00:00 and text its accents instead of \u escapes.
            options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            options.SerializerOptions.Converters.Add(new DurationJsonConverter());
        });
        services.AddOpenApi(options => options.AddOperationTransformer<ApiKeySecurityScheme>());
        services.AddSignalR().AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<JobServerHealthCheck>("jobs", tags: ["ready"])
            .AddCheck<CircuitBreakerHealthCheck>("circuits", tags: ["ready"])
            .AddCheck<OrphanedRunsHealthCheck>("runs", tags: ["ready"])
            .AddCheck<ConnectionsHealthCheck>("connections", tags: ["ready"]);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        // Toasts sit at the bottom right: the top bar holds Save, the bell and the account, and a toast must never cover them.
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        return services;
    }

    private static void AddSignIn(IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = DeskAuthentication.Scheme;
                options.DefaultChallengeScheme = DeskAuthentication.Scheme;
            })
            .AddPolicyScheme(DeskAuthentication.Scheme, "Cookie or API key", options =>
                options.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "AutomationDesk";
            options.SlidingExpiration = true;
            // Scripts and the live channel get a status code, not a redirect to the sign-in page.
            options.Events.OnRedirectToLogin = context => DeskAuthentication.StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => DeskAuthentication.StatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.AddIdentityCore<DeskUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DeskDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordLinks();
        services.AddAuthorization(DeskPolicies.Add);
    }

    private static void AddJobs(IServiceCollection services, IConfiguration configuration)
    {
        var shutdownGrace = configuration.GetValue("Engine:ShutdownGrace", new EngineOptions().ShutdownGrace);
        // Storages and activator belong to this host, not to Hangfire's process-wide defaults: a second host in the same
        // process (tests, the benchmark) must never run this host's jobs with its own services.
        // Two storages, each with its server: the lasting one (Jobs:Storage) for schedules, timers and maintenance, and an
        // in-memory one for runs, which a persistent storage would cap at about a hundred a second (bench/README.md).
        var lastingKind = JobStorages.KindOf(configuration);
        var runs = new RunJobStorage();
        services.AddSingleton(_ => runs);
        services.AddSingleton<JobStorage>(sp => JobStorages.OpenLasting(lastingKind, sp));
        services.AddTransient<ExecutionWakeJob>();
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogs(sp.GetRequiredService<ILoggerFactory>())));
        // Hosted services stop in the reverse order of their registration: the lasting server (registered last) stops first,
        // so no schedule or wake-up hands a run to a run server that is already draining; the run server then has the grace
        // period for the runs in flight. Lasting jobs are short (a schedule's fire, a wake-up hands the run over) or rare
        // (retention, connection checks).
        services.AddHangfireServer((_, options) => ConfigureServer(options, configuration, shutdownGrace,
            configuration.GetValue("Jobs:WorkerCount", Math.Max(4, Environment.ProcessorCount * 4))), runs.Storage);
        services.AddHangfireServer(options => ConfigureServer(options, configuration, shutdownGrace, workers: 4));
        services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdownGrace + TimeSpan.FromSeconds(15));
        // Culture capture and the dashboard's statistics counters are two storage writes and two filters on every
        // job; the desk has its own history and runs culture-invariant, so it does without them.
        GlobalJobFilters.Filters.Remove<CaptureCultureAttribute>();
        GlobalJobFilters.Filters.Remove<StatisticsHistoryAttribute>();
    }

    private static void ConfigureServer(BackgroundJobServerOptions options, IConfiguration configuration, TimeSpan shutdownGrace, int workers)
    {
        options.WorkerCount = workers;
        // Timed work (delays) and recurring jobs (schedules) are polled at this interval: half a second keeps a
        // 6-field cron's fire within a second of its due time.
        options.SchedulePollingInterval = TimeSpan.FromMilliseconds(500);
        options.ServerName = configuration["Engine:NodeName"];
        // Graceful shutdown: workers stop taking jobs at once; running jobs keep going for the grace period, then
        // ShutdownGrace cancels them and the runner releases their leases for the next start to pick up. Hangfire's
        // own stop comes later: when it ends a job first, the job's awaits are not run any more and the lease stays.
        options.StopTimeout = shutdownGrace + TimeSpan.FromSeconds(5);
        options.ShutdownTimeout = shutdownGrace + TimeSpan.FromSeconds(10);
    }
}
