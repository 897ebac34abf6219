using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Contacts;

/// <summary>A person the console knows, matched by phone or email; created and updated by inbound mappings.</summary>
public sealed class Contact
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string? Name { get; set; }
    /// <summary>As received, with spaces, dashes, dots and brackets removed (<c>+91 98765-43210</c> → <c>+919876543210</c>).</summary>
    public string? Phone { get; set; }
    /// <summary>Lower-case.</summary>
    public string? Email { get; set; }
    public string? Address { get; set; }
    /// <summary>Custom attributes (<c>contact.attributes.&lt;key&gt;</c> targets).</summary>
    public List<ContactAttribute> Attributes { get; set; } = [];
    /// <summary>Where it came from, e.g. "inbound: SaleAssist leads".</summary>
    public required string Source { get; set; }
    /// <summary>The inbound webhook that created it, if any.</summary>
    public Guid? SourceInboundId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One custom attribute of a contact.</summary>
public sealed record ContactAttribute(string Key, string Value);

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> e)
    {
        e.ToTable("Contacts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(500);
        e.Property(x => x.Phone).HasMaxLength(64);
        e.Property(x => x.Email).HasMaxLength(320);
        e.Property(x => x.Address).HasMaxLength(2000);
        e.Property(x => x.Source).HasMaxLength(300);
        e.Property(x => x.Attributes).AsJson();
        e.HasIndex(x => x.Phone);
        e.HasIndex(x => x.Email);
        e.HasIndex(x => x.UpdatedAt);
    }
}
