using AutomationDesk.Core.Maintenance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class PruneRunConfiguration : IEntityTypeConfiguration<PruneRun>
{
    public void Configure(EntityTypeBuilder<PruneRun> builder)
    {
        builder.Property(p => p.StartedBy).HasMaxLength(256);
        builder.Property(p => p.ArchivedTo).HasMaxLength(1000);
        builder.HasIndex(p => p.StartedAt);
    }
}
