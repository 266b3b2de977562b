using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class TriggerPollConfiguration : IEntityTypeConfiguration<TriggerPoll>
{
    public void Configure(EntityTypeBuilder<TriggerPoll> builder)
    {
        builder.HasKey(p => p.WorkflowId);
        builder.Property(p => p.Kind).HasMaxLength(16);
        builder.Property(p => p.Source).HasMaxLength(500);
        builder.Property(p => p.LastItem).HasMaxLength(200);
        builder.Property(p => p.LastError).HasMaxLength(2000);
        // Two pollers (two nodes, or a poll that outlived its interval) cannot both record the same message.
        builder.Property(p => p.LastUid).IsConcurrencyToken();
        builder.HasOne<Workflow>().WithOne().HasForeignKey<TriggerPoll>(p => p.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TakenFileConfiguration : IEntityTypeConfiguration<TakenFile>
{
    public void Configure(EntityTypeBuilder<TakenFile> builder)
    {
        builder.Property(f => f.Path).HasMaxLength(1000);
        // The same file seen twice at once (two nodes) gives one row, so one run.
        builder.HasIndex(f => new { f.WorkflowId, f.Path, f.Size, f.ModifiedTicks }).IsUnique();
        builder.HasOne<Workflow>().WithMany().HasForeignKey(f => f.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}
