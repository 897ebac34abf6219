using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Mapping;

/// <summary>
/// A saved mapping (seed 004's "save mappings"): picked source paths, each renamed to a target field. Used by inbound
/// webhooks (targets under <c>contact.</c> upsert a contact; the rest is the data of <see cref="EventType"/>) and by
/// outbound webhooks (the delivery body carries only the mapped fields).
/// </summary>
public sealed class FieldMapping
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public List<MappedField> Fields { get; set; } = [];
    /// <summary>When set, an inbound request mapped with this also publishes this catalog event with the non-contact fields.</summary>
    public string? EventType { get; set; }
    /// <summary>The sample the mapping was built from, so the editor can show its fields again.</summary>
    public string? SampleJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One picked field: where to read it (<see cref="FieldPath"/>) and the dotted name it gets (<c>contact.phone</c>, <c>lead.name</c>).</summary>
public sealed record MappedField(string Source, string Target);

internal sealed class FieldMappingConfiguration : IEntityTypeConfiguration<FieldMapping>
{
    public void Configure(EntityTypeBuilder<FieldMapping> e)
    {
        e.ToTable("Mappings");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.EventType).HasMaxLength(100);
        e.Property(x => x.Fields).AsJson();
    }
}
