using AutomationDesk.Core.Execution;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class ExecutionConfiguration : IEntityTypeConfiguration<Execution.Execution>
{
    public void Configure(EntityTypeBuilder<Execution.Execution> builder)
    {
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.WorkflowName).HasMaxLength(200);
        builder.Property(e => e.TriggerKind).HasMaxLength(32);
        builder.Property(e => e.CurrentStepId).HasMaxLength(64);
        builder.Property(e => e.CorrelationId).HasMaxLength(128);
        // A worker's writes to a run it holds check that it still holds it (see WorkflowRunner's checkpoint).
        builder.Property(e => e.LeaseOwner).HasMaxLength(128).IsConcurrencyToken();
        builder.HasMany(e => e.Steps).WithOne().HasForeignKey(s => s.ExecutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Keys).WithOne().HasForeignKey(k => k.ExecutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.WorkflowId, e.CreatedAt });
        builder.HasIndex(e => new { e.Status, e.CreatedAt });
        builder.HasIndex(e => e.CreatedAt);
        builder.Property(e => e.ParentStepId).HasMaxLength(64);
        // A parent's children by step and item: a foreach item has one run (no item runs twice at once).
        builder.HasIndex(e => new { e.ParentExecutionId, e.ParentStepId, e.ItemIndex }).IsUnique();
        builder.Property(e => e.DeadLetterOutcome).HasMaxLength(16);
        builder.HasIndex(e => new { e.Status, e.DeadLetterOutcome, e.FinishedAt });
        // Retention keeps a run while a live retry of it (which reads its artifacts) names it as origin.
        builder.HasIndex(e => e.OriginExecutionId);
    }
}

internal sealed class StepRunConfiguration : IEntityTypeConfiguration<StepRun>
{
    public void Configure(EntityTypeBuilder<StepRun> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.StepId).HasMaxLength(64);
        builder.Property(s => s.Type).HasMaxLength(64);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasIndex(s => new { s.ExecutionId, s.StepId }).IsUnique();
    }
}

internal sealed class ExecutionKeyConfiguration : IEntityTypeConfiguration<ExecutionKey>
{
    public void Configure(EntityTypeBuilder<ExecutionKey> builder)
    {
        builder.HasKey(k => new { k.ExecutionId, k.Name });
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.Value).HasMaxLength(256);
        // Finding runs by a key is "name = x and value = y": one index answers it.
        builder.HasIndex(k => new { k.Name, k.Value, k.ExecutionId });
    }
}

internal sealed class ExecutionEventConfiguration : IEntityTypeConfiguration<ExecutionEvent>
{
    public void Configure(EntityTypeBuilder<ExecutionEvent> builder)
    {
        builder.Property(e => e.Kind).HasMaxLength(16);
        builder.Property(e => e.EventType).HasMaxLength(48);
        builder.Property(e => e.CurrentStepId).HasMaxLength(64);
        builder.HasOne<Execution.Execution>().WithMany().HasForeignKey(e => e.ExecutionId).OnDelete(DeleteBehavior.Cascade);
        // One run's stream in order, and no sequence number given twice.
        builder.HasIndex(e => new { e.ExecutionId, e.Sequence }).IsUnique();
    }
}

internal sealed class ExecutionLogConfiguration : IEntityTypeConfiguration<ExecutionLog>
{
    public void Configure(EntityTypeBuilder<ExecutionLog> builder)
    {
        builder.Property(l => l.StepId).HasMaxLength(64);
        builder.HasOne<Execution.Execution>().WithMany().HasForeignKey(l => l.ExecutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => new { l.ExecutionId, l.Id });
    }
}
