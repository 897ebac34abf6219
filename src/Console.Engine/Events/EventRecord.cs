namespace WebhookConsole.Engine.Events;

/// <summary>A published event, kept so the same id published twice creates no second delivery.</summary>
public sealed class EventRecord
{
    /// <summary>The publisher's id, or one generated ("evt_…").</summary>
    public required string Id { get; set; }
    /// <summary>The canonical catalog type.</summary>
    public required string Type { get; set; }
    /// <summary>The event's data as JSON.</summary>
    public required string Data { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public int DeliveryCount { get; set; }
}
