namespace WebhookConsole.Engine.Delivery;

/// <summary>Told of every attempt and state change, so a host can show them live. Must return quickly.</summary>
public interface IDeliveryObserver
{
    void AttemptRecorded(AttemptRecorded attempt);
    void DeliveryStateChanged(DeliveryStateChanged change);
}

/// <summary>An attempt was written to the log.</summary>
public sealed record AttemptRecorded(
    long AttemptId, Guid DeliveryId, Guid WebhookId, string EventType, int Attempt, string Outcome,
    int? StatusCode, int DurationMs, DateTimeOffset At, bool IsTest, string? Failure);

/// <summary>A delivery moved to another state.</summary>
public sealed record DeliveryStateChanged(Guid DeliveryId, Guid WebhookId, string State, DateTimeOffset? NextAttemptAt);

/// <summary>The observer used when the host registers none.</summary>
public sealed class NullDeliveryObserver : IDeliveryObserver
{
    public void AttemptRecorded(AttemptRecorded attempt) { }
    public void DeliveryStateChanged(DeliveryStateChanged change) { }
}
