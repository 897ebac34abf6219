using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Actions;

/// <summary>
/// A WEBHOOK action in seed 001's shape: an HTTP request an assistant makes during a conversation, with
/// <c>$variables</c> in its URL, header values and body, called through its trigger.
/// </summary>
public sealed class AssistantAction
{
    /// <summary>The only action type there is (seed 001).</summary>
    public const string WebhookType = "WEBHOOK";

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid AssistantId { get; set; }
    public string Type { get; set; } = WebhookType;
    public required string Name { get; set; }
    /// <summary>The URL template.</summary>
    public required string Url { get; set; }
    /// <summary>GET, POST, PUT or DELETE.</summary>
    public required string Method { get; set; }
    /// <summary>Header templates; values of Authorization-like headers are stored protected.</summary>
    public List<ActionHeader> Headers { get; set; } = [];
    /// <summary>The body template; it may be invalid JSON until substituted (e.g. <c>"all_images": $images</c>).</summary>
    public string? Body { get; set; }
    /// <summary>How the assistant should use the response (ignored when <see cref="InterpretResponse"/> is false).</summary>
    public string? ResponseDirective { get; set; }
    public bool InterpretResponse { get; set; } = true;
    /// <summary>The function name the assistant's model calls.</summary>
    public required string TriggerName { get; set; }
    /// <summary>When the model should call it.</summary>
    public required string TriggerDescription { get; set; }
    /// <summary>The arguments' JSON Schema; each argument is a <c>$variable</c>.</summary>
    public required string TriggerParameters { get; set; }
    public int TimeoutSeconds { get; set; } = 10;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A header template; when <see cref="Protected"/>, <see cref="Value"/> is the protected form of a secret.</summary>
public sealed record ActionHeader(string Key, string Value, bool Protected = false);

internal sealed class AssistantActionConfiguration : IEntityTypeConfiguration<AssistantAction>
{
    public void Configure(EntityTypeBuilder<AssistantAction> e)
    {
        e.ToTable("AssistantActions");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.AssistantId);
        e.Property(x => x.Type).HasMaxLength(16);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Url).HasMaxLength(2048);
        e.Property(x => x.Method).HasMaxLength(8);
        e.Property(x => x.TriggerName).HasMaxLength(64);
        e.Property(x => x.Headers).AsJson();
    }
}
