using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Notifications.Channels;
using AutomationDesk.Core.Records;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AutomationDesk.Core.Persistence;

/// <summary>The one context of the desk: workflows, runs, records, notifications, audit, identity and keys.</summary>
public sealed class DeskDbContext(DbContextOptions<DeskDbContext> options)
    : IdentityDbContext<DeskUser>(options), IDataProtectionKeyContext
{
    public DbSet<Workflow> Workflows => Set<Workflow>();
    public DbSet<WorkflowVersion> WorkflowVersions => Set<WorkflowVersion>();
    public DbSet<Execution.Execution> Executions => Set<Execution.Execution>();
    public DbSet<StepRun> StepRuns => Set<StepRun>();
    public DbSet<ExecutionKey> ExecutionKeys => Set<ExecutionKey>();
    public DbSet<ExecutionLog> ExecutionLogs => Set<ExecutionLog>();
    public DbSet<ExecutionEvent> ExecutionEvents => Set<ExecutionEvent>();
    public DbSet<CollectionRecord> Records => Set<CollectionRecord>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationRead> NotificationReads => Set<NotificationRead>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Secret> Secrets => Set<Secret>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ScheduleState> ScheduleStates => Set<ScheduleState>();
    public DbSet<TriggerPoll> TriggerPolls => Set<TriggerPoll>();
    public DbSet<TakenFile> TakenFiles => Set<TakenFile>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();
    public DbSet<InboxSource> InboxSources => Set<InboxSource>();
    public DbSet<InboxRule> InboxRules => Set<InboxRule>();
    public DbSet<InboxDelivery> InboxDeliveries => Set<InboxDelivery>();
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<DeskSetting> Settings => Set<DeskSetting>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<PruneRun> PruneRuns => Set<PruneRun>();
    public DbSet<Pinned.PinnedStepOutput> PinnedStepOutputs => Set<Pinned.PinnedStepOutput>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(DeskDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset text; store UTC ticks so time filters and sorting run in SQL.
        // PostgreSQL stores the same ticks: its timestamptz keeps microseconds and refuses offsets other than UTC, and a
        // time must read back on either provider exactly as it was written.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
