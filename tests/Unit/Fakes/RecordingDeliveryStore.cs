using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>The engine's store, with every delivery handed to <see cref="EnqueueAsync"/> kept as the object it was given.</summary>
public sealed class RecordingDeliveryStore(IDeliveryStore inner) : IDeliveryStore
{
    public List<WebhookDelivery> Enqueued { get; } = [];

    public Task EnqueueAsync(IReadOnlyList<EventRecord> events, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct = default)
    {
        Enqueued.AddRange(deliveries);
        return inner.EnqueueAsync(events, deliveries, ct);
    }

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(ClaimLimits limits, CancellationToken ct = default) => inner.ClaimDueAsync(limits, ct);

    public Task<RecordedAttempt> RecordAttemptAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct = default) =>
        inner.RecordAttemptAsync(attempt, delivery, ct);

    public Task SaveStateAsync(WebhookDelivery delivery, CancellationToken ct = default) => inner.SaveStateAsync(delivery, ct);
}
