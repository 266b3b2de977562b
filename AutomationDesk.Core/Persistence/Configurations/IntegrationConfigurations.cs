using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> builder)
    {
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Type).HasMaxLength(50);
        builder.Property(c => c.HealthDetail).HasMaxLength(1100);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}

internal sealed class DeskSettingConfiguration : IEntityTypeConfiguration<DeskSetting>
{
    public void Configure(EntityTypeBuilder<DeskSetting> builder)
    {
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(200);
    }
}

internal sealed class ArtifactConfiguration : IEntityTypeConfiguration<Artifact>
{
    public void Configure(EntityTypeBuilder<Artifact> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.StepId).HasMaxLength(100);
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.HasIndex(a => a.ExecutionId);
    }
}
