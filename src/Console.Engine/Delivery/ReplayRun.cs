using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Delivery;

/// <summary>A bulk replay: a subscription's deliveries in a time range, queued again; each keeps its webhook-id.</summary>
public sealed class ReplayRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SubscriptionId { get; set; }
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset? Until { get; set; }
    /// <summary>The states replayed, e.g. "failed" or "failed,cancelled".</summary>
    public required string States { get; set; }
    public int Count { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How far a replay has come: its deliveries still on their way, delivered, and failed again.</summary>
public sealed record ReplayProgress(ReplayRun Run, int Pending, int Succeeded, int Failed)
{
    public bool Done => Pending == 0;
    public int Finished => Succeeded + Failed;
}

internal sealed class ReplayRunConfiguration : IEntityTypeConfiguration<ReplayRun>
{
    public void Configure(EntityTypeBuilder<ReplayRun> e)
    {
        e.HasKey(x => x.Id);
        e.Property(x => x.States).HasMaxLength(64);
        e.Property(x => x.Actor).HasMaxLength(256);
        e.HasIndex(x => new { x.SubscriptionId, x.CreatedAt });
    }
}
