using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Sessions;

/// <summary>A conversation with an assistant: its client_data (each key a <c>$variable</c>) and the images the user sent.</summary>
public sealed class AssistantSession
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AssistantId { get; set; }
    /// <summary>The company id at the session's start (<c>$company.id</c>).</summary>
    public string? CompanyId { get; set; }
    /// <summary>The client_data object as JSON.</summary>
    public string ClientData { get; set; } = "{}";
    /// <summary>Image URLs in the order sent (<c>$images[0]</c>, <c>$images[1]</c>…).</summary>
    public List<string> Images { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The client_data as a new JSON object.</summary>
    public JsonObject ClientDataObject() => JsonNode.Parse(ClientData) as JsonObject ?? [];
}

internal sealed class AssistantSessionConfiguration : IEntityTypeConfiguration<AssistantSession>
{
    public void Configure(EntityTypeBuilder<AssistantSession> e)
    {
        e.ToTable("Sessions");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.UpdatedAt);
        e.HasIndex(x => new { x.AssistantId, x.UpdatedAt });
        e.Property(x => x.CompanyId).HasMaxLength(200);
        e.Property(x => x.Images).AsJson();
    }
}
