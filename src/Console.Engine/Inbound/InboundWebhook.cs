using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Inbound;

/// <summary>An inbound webhook (seed 000): a generated unique URL <c>/in/{token}</c> that external systems POST JSON to.</summary>
public sealed class InboundWebhook
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    /// <summary>Lower-case hex SHA-256 of the token: requests are looked up by it.</summary>
    public required string TokenHash { get; set; }
    /// <summary>The token itself, protected, so the URL can be shown again.</summary>
    public required string ProtectedToken { get; set; }
    public bool Enabled { get; set; } = true;
    public InboundVerification Verification { get; set; } = InboundVerification.None;
    /// <summary>The header carrying the token or the signature (header token and HMAC modes).</summary>
    public string? VerificationHeader { get; set; }
    /// <summary>The shared token or signing secret, protected.</summary>
    public string? ProtectedVerificationSecret { get; set; }
    /// <summary>The mapping applied to accepted requests; none: requests are only logged.</summary>
    public Guid? MappingId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastRequestAt { get; set; }
}

/// <summary>How an inbound webhook checks that a request comes from its sender, beyond knowing the secret URL.</summary>
public enum InboundVerification
{
    /// <summary>The unguessable URL is the only credential.</summary>
    None,
    /// <summary>A header must carry a shared token (compared in constant time).</summary>
    HeaderToken,
    /// <summary>A header must carry the hex HMAC-SHA256 of the raw body (seed 002's scheme).</summary>
    HmacSha256,
    /// <summary>Standard Webhooks headers: webhook-id, webhook-timestamp (within 5 minutes), webhook-signature.</summary>
    StandardWebhooks,
}

internal sealed class InboundWebhookConfiguration : IEntityTypeConfiguration<InboundWebhook>
{
    public void Configure(EntityTypeBuilder<InboundWebhook> e)
    {
        e.ToTable("InboundWebhooks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.Property(x => x.Verification).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.VerificationHeader).HasMaxLength(100);
    }
}
