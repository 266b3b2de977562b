using AutomationDesk.Core.Pinned;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class PinnedStepOutputConfiguration : IEntityTypeConfiguration<PinnedStepOutput>
{
    public void Configure(EntityTypeBuilder<PinnedStepOutput> builder)
    {
        builder.Property(p => p.StepId).HasMaxLength(64);
        builder.HasIndex(p => new { p.WorkflowId, p.StepId }).IsUnique();
        builder.HasOne<Workflow>().WithMany().HasForeignKey(p => p.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}
