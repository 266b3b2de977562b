using AutomationDesk.Core.Notifications.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class NotificationChannelConfiguration : IEntityTypeConfiguration<NotificationChannel>
{
    public void Configure(EntityTypeBuilder<NotificationChannel> builder)
    {
        builder.Property(c => c.UserId).HasMaxLength(450);
        builder.Property(c => c.Name).HasMaxLength(NotificationChannelStore.MaxName);
        builder.Property(c => c.TargetHint).HasMaxLength(400);
        builder.Property(c => c.Address).HasMaxLength(254);
        builder.Property(c => c.ConnectionName).HasMaxLength(100);
        builder.Property(c => c.Types).HasMaxLength(200);
        builder.Ignore(c => c.WantedTypes);
        builder.HasIndex(c => new { c.UserId, c.Name }).IsUnique();
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.Property(d => d.LastError).HasMaxLength(1100);
        // The sender's query: pending rows by due time.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.ChannelId);
        builder.HasOne(d => d.Notification).WithMany(n => n.Deliveries).HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Channel).WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}
