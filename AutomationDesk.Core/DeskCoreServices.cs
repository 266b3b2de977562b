using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core;

public static class DeskCoreServices
{
    /// <summary>
    /// The desk without a host: the database, the engine, every step type and the stores. The host adds an
    /// <see cref="IExecutionDispatcher"/> and an <see cref="Live.IDeskEvents"/> (wrapped in <see cref="MeasuredDeskEvents"/>
    /// to count and trace runs).
    /// </summary>
    public static IServiceCollection AddDeskCore(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Desk") ?? "Data Source=data/automationdesk.db";
        var provider = StorageOptions.ProviderOf(configuration);
        services.AddPooledDbContextFactory<DeskDbContext>(options => DeskDatabase.Configure(options, connectionString, provider));
        // Identity's stores and Data Protection's key store want a scoped context; everything else uses the factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContext());
        // Files the desk keeps beside a SQLite database; on PostgreSQL they go to ./data of each process.
        var databaseFolder = provider == StorageProvider.Sqlite ? DeskDatabase.FolderOf(connectionString) : null;
        var databaseFile = provider == StorageProvider.Sqlite ? DeskDatabase.FileOf(connectionString) : null;
        services.AddDeskDataProtection(configuration, databaseFolder);
        // HttpClient's own logging prints request URLs, and a secret can sit in a URL path: only its warnings reach the app log.
        services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EngineOptions>().BindConfiguration("Engine").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HttpStepOptions>().BindConfiguration("Http").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CodeStepOptions>().BindConfiguration("Code").ValidateDataAnnotations().ValidateOnStart();

        foreach (var stepType in StepRegistry.StepTypesIn(typeof(DeskCoreServices).Assembly))
        {
            services.AddSingleton(stepType);
            services.AddSingleton(typeof(IStep), sp => sp.GetRequiredService(stepType));
        }
        services.AddSingleton<StepRegistry>();
        foreach (var connectionType in ConnectionTypes.TypesIn(typeof(DeskCoreServices).Assembly))
        {
            services.AddSingleton(connectionType);
            services.AddSingleton(typeof(ConnectionType), sp => sp.GetRequiredService(connectionType));
        }
        services.AddSingleton<ConnectionTypes>();
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton<ConnectionTester>();
        services.AddSingleton<Preflight.PreflightConnections>();
        services.AddSingleton<Preflight.WorkflowPreflight>();
        services.AddSingleton<Pinned.PinnedOutputs>();
        services.AddSingleton<Pinned.SingleStepRun>();
        services.AddSingleton<ConnectionImport>();
        services.AddSingleton<ConnectionHttp>();
        // Lazy: the store knows every connection type, and the HTTP types reach the store through their OAuth2 tokens.
        services.AddSingleton(sp => new Lazy<ConnectionStore>(sp.GetRequiredService<ConnectionStore>));
        services.AddSingleton<OAuth2Tokens>();
        services.AddSingleton<HttpConnectionClient>();
        services.AddSingleton<DeskSettings>();
        services.AddOptions<SmtpOptions>().BindConfiguration("Smtp").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SmtpMailer>();
        services.AddOptions<ArtifactOptions>().BindConfiguration("Artifacts").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ArtifactStore(
            sp.GetRequiredService<IDbContextFactory<DeskDbContext>>(), sp.GetRequiredService<IOptions<ArtifactOptions>>(),
            Path.Combine(databaseFolder ?? Path.GetFullPath("data"), "artifacts"), sp.GetRequiredService<TimeProvider>()));
        services.AddHttpStepClient();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ArchiveOptions>().BindConfiguration("Archive");
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new DatabaseCompaction(sp.GetRequiredService<IDbContextFactory<DeskDbContext>>(), databaseFile));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RetentionPrune>(sp,
            Path.Combine(databaseFolder ?? Path.GetFullPath("data"), "archive")));
        services.AddSingleton<StorageReport>();

        services.AddSingleton<AuditTrail>();
        services.AddSingleton<WorkflowDefinitionReader>();
        services.AddSingleton<WorkflowStore>();
        services.AddSingleton<WorkflowImporter>();
        services.AddSingleton<WorkflowExporter>();
        services.AddSingleton<WorkflowBulk>();
        services.AddSingleton<WorkflowTemplates>();
        services.AddSingleton<CompiledWorkflowCache>();
        services.AddSingleton<ExecutionLauncher>();
        services.AddSingleton<WorkflowRunner>();
        services.AddSingleton<DispatchFailures>();
        services.AddSingleton<ChildRuns>();
        services.AddSingleton<RunCancellation>();
        services.AddSingleton<RunPause>();
        services.AddSingleton<Approvals>();
        services.AddSingleton<RunRetry>();
        services.AddSingleton<DeadLetterBatch>();
        services.AddSingleton<HostCircuitBreakers>();
        services.AddSingleton<LongRunningWatch>();
        services.AddSingleton<OverdueTimerSweep>();
        services.AddSingleton<Triggers.EventTriggers>();
        services.AddSingleton<Triggers.InboxStore>();
        services.AddSingleton<ExecutionRecovery>();
        services.AddSingleton(sp => new NodeLiveness(
            databaseFolder, sp.GetRequiredService<IOptions<EngineOptions>>(), sp.GetRequiredService<ILogger<NodeLiveness>>()));
        services.AddSingleton<SecretStore>();
        services.AddSingleton<SigningSecrets>();
        services.AddSingleton<SigningSecretEncryption>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<NotificationService>();
        services.AddNotificationChannels();
        services.AddSingleton<WebhookTokens>();
        services.AddSingleton<WebhookEventFeed>();
        services.AddSingleton<WebhookSignatures>();
        services.AddSingleton<IdempotentStarter>();
        services.AddSingleton<WorkflowWebhookReceiver>();
        services.AddSingleton<InboxRouter>();
        services.AddSingleton<WebhookReplay>();
        services.AddSingleton<DatabaseScheduleRegistry>();
        services.TryAddSingleton<IScheduleRegistry>(sp => sp.GetRequiredService<DatabaseScheduleRegistry>());
        services.AddSingleton<ScheduleOverview>();
        services.AddSingleton<ScheduleFiring>();
        services.AddSingleton<ScheduleWatch>();
        services.AddSingleton<ScheduleActions>();
        services.AddOptions<FilesOptions>().BindConfiguration("Files");
        services.AddSingleton(sp => new FilePoll(
            sp.GetRequiredService<IDbContextFactory<DeskDbContext>>(), sp.GetRequiredService<ExecutionLauncher>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<FilesOptions>>().Value.Root is { Length: > 0 } filesRoot
                ? Path.GetFullPath(filesRoot)
                : Path.Combine(databaseFolder ?? Path.GetFullPath("data"), "files")));
        services.AddSingleton<EmailPoll>();
        services.AddSingleton<TriggerPoller>();
        services.AddMetrics();
        services.AddSingleton<DeskMetrics>();
        services.AddSingleton<RunTraces>();
        return services;
    }
}
