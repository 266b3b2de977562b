using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AutomationDesk.Core.Persistence.Configurations;

internal sealed class ScheduleStateConfiguration : IEntityTypeConfiguration<ScheduleState>
{
    public void Configure(EntityTypeBuilder<ScheduleState> builder)
    {
        builder.HasKey(s => s.WorkflowId);
        builder.HasOne<Workflow>().WithOne().HasForeignKey<ScheduleState>(s => s.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> builder)
    {
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.InboxSource).HasMaxLength(100);
        builder.Property(e => e.EventType).HasMaxLength(200);
        builder.Property(e => e.Method).HasMaxLength(16);
        builder.Property(e => e.ContentType).HasMaxLength(200);
        builder.Property(e => e.Status).HasMaxLength(16);
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.Property(e => e.IdempotencyKey).HasMaxLength(256);
        builder.HasIndex(e => e.ReceivedAt);
        builder.HasIndex(e => new { e.WorkflowId, e.ReceivedAt });
        builder.HasIndex(e => new { e.InboxSource, e.ReceivedAt });
    }
}

internal sealed class WebhookReceiptConfiguration : IEntityTypeConfiguration<WebhookReceipt>
{
    public void Configure(EntityTypeBuilder<WebhookReceipt> builder)
    {
        builder.HasKey(r => new { r.WorkflowId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(256);
        builder.Property(r => r.BodyHash).HasMaxLength(64);
        builder.HasIndex(r => r.ReceivedAt);
        builder.HasOne<Workflow>().WithMany().HasForeignKey(r => r.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InboxSourceConfiguration : IEntityTypeConfiguration<InboxSource>
{
    public void Configure(EntityTypeBuilder<InboxSource> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Preset).HasMaxLength(32);
        builder.Property(s => s.Secret).HasMaxLength(500);
        builder.Property(s => s.SignatureScheme).HasMaxLength(32);
        builder.Property(s => s.SignatureHeader).HasMaxLength(100);
        builder.Property(s => s.EventTypeHeader).HasMaxLength(100);
        builder.Property(s => s.EventTypePath).HasMaxLength(200);
        builder.Property(s => s.DedupHeader).HasMaxLength(100);
        builder.Property(s => s.DedupPath).HasMaxLength(200);
    }
}

internal sealed class InboxDeliveryConfiguration : IEntityTypeConfiguration<InboxDelivery>
{
    public void Configure(EntityTypeBuilder<InboxDelivery> builder)
    {
        builder.HasKey(d => new { d.Source, d.DeliveryId });
        builder.Property(d => d.Source).HasMaxLength(100);
        builder.Property(d => d.DeliveryId).HasMaxLength(256);
        builder.HasIndex(d => new { d.Source, d.ReceivedAt });
    }
}

internal sealed class InboxRuleConfiguration : IEntityTypeConfiguration<InboxRule>
{
    public void Configure(EntityTypeBuilder<InboxRule> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Source).HasMaxLength(100);
        builder.Property(r => r.EventType).HasMaxLength(200);
        builder.HasIndex(r => new { r.Source, r.EventType });
        builder.HasOne<Workflow>().WithMany().HasForeignKey(r => r.WorkflowId).OnDelete(DeleteBehavior.Cascade);
    }
}
