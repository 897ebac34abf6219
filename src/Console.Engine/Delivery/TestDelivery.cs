using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Delivery;

/// <summary>What "Send test" did: the attempt, or why nothing was sent.</summary>
public sealed record TestResult(DeliveryAttempt? Attempt, string EventType, string MessageId, string? Problem);

/// <summary>"Send test": delivers the catalog example of an event type now, signed like any delivery, marked as a test.</summary>
public sealed class TestDelivery(IDbContextFactory<ConsoleDbContext> dbFactory, EventCatalog catalog, DeliveryWorker worker,
    Microsoft.Extensions.Options.IOptions<WebhookEngineOptions> options, TimeProvider time)
{
    /// <summary>Sends a test of <paramref name="eventType"/> (default: the first subscribed type); null when the subscription does not exist.</summary>
    public async Task<TestResult?> SendAsync(Guid subscriptionId, string? eventType, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (subscription is null)
            return null;
        var requested = string.IsNullOrWhiteSpace(eventType) ? subscription.Events.FirstOrDefault() ?? "" : eventType;
        if (!catalog.TryResolve(requested, out var type))
            return new TestResult(null, requested, "", $"'{requested}' is not an event type or alias.");

        var now = time.GetUtcNow();
        var bodies = await Mapping.OutboundBodies.LoadAsync(db, [subscription], ct); // a test looks like the real thing, mapping included
        var delivery = new WebhookDelivery
        {
            MessageId = EventPublisher.NewMessageId(),
            EventId = "test_" + Guid.NewGuid().ToString("N"),
            EventType = type.Type,
            SubscriptionId = subscription.Id,
            Body = bodies.For(subscription, EventPublisher.Envelope(type.Type, now, type.Example)),
            CreatedAt = now,
            NextAttemptAt = now,
            IsTest = true,
        };
        DeliveryTransitions.Start(delivery); // claimed here, so the dispatcher never picks it up
        if (options.Value.StoreProvider == StoreProvider.PostgreSQL)
        {
            // Claimed by this node, with a lease it renews like any claim: should it die mid-test, another node finishes it.
            delivery.ClaimedBy = options.Value.NodeName;
            delivery.ClaimToken = Guid.NewGuid();
            delivery.LeaseExpiresAt = now + options.Value.LeaseDuration;
        }
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        var attempt = await worker.AttemptAsync(delivery.Id, ct);
        return new TestResult(attempt, type.Type, delivery.MessageId, attempt is null ? "The test could not be sent." : null);
    }
}
