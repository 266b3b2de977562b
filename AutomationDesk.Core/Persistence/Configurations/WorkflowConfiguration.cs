using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class WorkflowConfiguration : IEntityTypeConfiguration<Workflow>
{
    public void Configure(EntityTypeBuilder<Workflow> builder)
    {
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Name).HasMaxLength(200);
        builder.Property(w => w.Description).HasMaxLength(2000);
        builder.Property(w => w.TriggerType).HasMaxLength(32);
        builder.Property(w => w.WebhookToken).HasMaxLength(64);
        builder.HasIndex(w => w.Name);
        builder.HasIndex(w => w.UpdatedAt);
        // Every finished run looks for event-triggered workflows that listen to it; most workflows are not.
        builder.HasIndex(w => w.TriggerType);
    }
}

internal sealed class WorkflowVersionConfiguration : IEntityTypeConfiguration<WorkflowVersion>
{
    public void Configure(EntityTypeBuilder<WorkflowVersion> builder)
    {
        builder.HasKey(v => new { v.WorkflowId, v.Version });
        builder.HasOne<Workflow>().WithMany().HasForeignKey(v => v.WorkflowId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(v => v.CreatedBy).HasMaxLength(256);
    }
}
