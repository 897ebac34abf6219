using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Delivery;

/// <summary>A resend or replay cannot be done as asked; the message says why and what to do.</summary>
public sealed class RedeliveryException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>Sends deliveries again on a person's request: one (resend) or a subscription's range (replay). Same webhook-id each time.</summary>
public sealed class Redelivery(
    IDbContextFactory<ConsoleDbContext> dbFactory, AuditLog audit, DeliverySignal signal, IDeliveryObserver observer, TimeProvider time)
{
    /// <summary>The states a replay may pick.</summary>
    public static readonly IReadOnlyList<DeliveryState> ReplayableStates = [DeliveryState.Failed, DeliveryState.Cancelled, DeliveryState.Succeeded];

    /// <summary>Queues one delivery again now, with its retry schedule started over.</summary>
    public async Task<WebhookDelivery> ResendAsync(Guid deliveryId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, ct)
            ?? throw new RedeliveryException($"There is no delivery {deliveryId}.", notFound: true);
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, ct)
            ?? throw new RedeliveryException("Its webhook was deleted, so there is nowhere to send it.");
        if (!subscription.Enabled)
            throw new RedeliveryException($"The webhook '{subscription.Name}' is disabled. Enable it first, then resend.");
        if (delivery.IsTest)
            throw new RedeliveryException("A \"Send test\" delivery is tried once; use Send test again instead.");
        if (delivery.Body.Length == 0)
            throw new RedeliveryException("Its body was removed after the time set in Retention:DeliveryBodies, so it cannot be sent again.");
        if (delivery.State is DeliveryState.Pending or DeliveryState.Sending)
            throw new RedeliveryException($"The delivery is already {DeliveryWorker.Name(delivery.State)}; wait for its attempt to finish.");

        DeliveryTransitions.Resend(delivery, time.GetUtcNow());
        audit.Add(db, actor, "delivery.resent", "webhook", subscription.Id.ToString(), subscription.Name,
            new Dictionary<string, object?> { ["delivery"] = delivery.Id, ["webhookId"] = delivery.MessageId, ["eventType"] = delivery.EventType });
        await db.SaveChangesAsync(ct);
        observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, DeliveryWorker.Name(delivery.State), delivery.NextAttemptAt));
        signal.Notify();
        return delivery;
    }

    /// <summary>Queues again every delivery of a subscription created in [since, until] that is in one of <paramref name="states"/>.</summary>
    public async Task<ReplayRun> ReplayAsync(Guid subscriptionId, DateTimeOffset since, DateTimeOffset? until,
        IReadOnlyCollection<DeliveryState>? states, string actor, CancellationToken ct = default)
    {
        var chosen = states is { Count: > 0 } ? states.Distinct().ToList() : [DeliveryState.Failed];
        if (chosen.Except(ReplayableStates).Any())
            throw new RedeliveryException("A replay can pick failed, cancelled or succeeded deliveries.");
        if (until is { } end && end <= since)
            throw new RedeliveryException("'until' must be later than 'since'.");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct)
            ?? throw new RedeliveryException($"There is no webhook {subscriptionId}.", notFound: true);
        if (!subscription.Enabled)
            throw new RedeliveryException($"The webhook '{subscription.Name}' is disabled. Enable it first, then replay.");

        var now = time.GetUtcNow();
        var run = new ReplayRun
        {
            SubscriptionId = subscriptionId, Since = since, Until = until, Actor = actor, CreatedAt = now,
            States = string.Join(",", chosen.Select(DeliveryWorker.Name)),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var matching = db.Deliveries.Where(d => d.SubscriptionId == subscriptionId && !d.IsTest && chosen.Contains(d.State) && d.CreatedAt >= since
                                              && d.Body != Array.Empty<byte>()); // a body removed by retention cannot be sent again
        if (until is { } u)
            matching = matching.Where(d => d.CreatedAt <= u);
        run.Count = await matching.ExecuteUpdateAsync(x => x
            .SetProperty(d => d.State, DeliveryState.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.CompletedAt, (DateTimeOffset?)null)
            .SetProperty(d => d.ScheduleStart, d => d.AttemptCount)
            .SetProperty(d => d.ReplayId, run.Id), ct);
        db.Set<ReplayRun>().Add(run);
        audit.Add(db, actor, "webhook.replayed", "webhook", subscriptionId.ToString(), subscription.Name, new Dictionary<string, object?>
        {
            ["since"] = since, ["until"] = until, ["states"] = run.States, ["deliveries"] = run.Count,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (run.Count > 0)
            signal.Notify();
        return run;
    }

    /// <summary>A replay's progress, or null when there is no such replay.</summary>
    public async Task<ReplayProgress?> ProgressAsync(Guid replayId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Set<ReplayRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == replayId, ct);
        if (run is null)
            return null;
        var counts = await db.Deliveries.Where(d => d.ReplayId == replayId).GroupBy(d => d.State)
            .Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(params DeliveryState[] s) => counts.Where(c => s.Contains(c.State)).Sum(c => c.Count);
        return new ReplayProgress(run, Of(DeliveryState.Pending, DeliveryState.Sending, DeliveryState.Retrying),
            Of(DeliveryState.Succeeded), Of(DeliveryState.Failed, DeliveryState.Cancelled));
    }
}
