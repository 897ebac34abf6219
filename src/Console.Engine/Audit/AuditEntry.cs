namespace WebhookConsole.Engine.Audit;

/// <summary>Who changed what, when. Never holds a secret value.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The person or API key that made the change, e.g. "admin@localhost" or "api-key:ci".</summary>
    public required string Actor { get; set; }
    /// <summary>What was done, dot-separated: "api_key.created", "webhook.updated".</summary>
    public required string Action { get; set; }
    /// <summary>The kind of thing changed: "api_key", "webhook".</summary>
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    /// <summary>A short human-readable summary of the thing, e.g. its name.</summary>
    public string? TargetName { get; set; }
    /// <summary>JSON object of what changed (field → {from, to}); secrets appear only as "(changed)".</summary>
    public string? Changes { get; set; }
}
