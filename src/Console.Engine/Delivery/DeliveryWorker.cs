using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Makes one attempt of a claimed delivery and records it: the attempt row, the new state and the subscription's health, together.</summary>
public sealed class DeliveryWorker(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    StoreWriter writer,
    SubscriptionService subscriptions,
    SubscriptionHealth health,
    WebhookSender sender,
    IDeliveryObserver observer,
    IOptions<WebhookEngineOptions> options,
    TimeProvider time)
{
    /// <summary>Where the jitter's random sample comes from (in [0, 1)); tests may fix it.</summary>
    public Func<double> JitterSample { get; set; } = Random.Shared.NextDouble;

    /// <summary>
    /// Attempts a delivery in state Sending; returns the recorded attempt, or null when there was nothing to send.
    /// When <paramref name="ct"/> is cancelled mid-attempt (the console is stopping), the delivery goes back to pending unattempted.
    /// </summary>
    public async Task<DeliveryAttempt?> AttemptAsync(Guid deliveryId, CancellationToken ct)
    {
        WebhookDelivery? delivery;
        WebhookSubscription? subscription;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            delivery = await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, CancellationToken.None);
            if (delivery is not { State: DeliveryState.Sending })
                return null;
            subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, CancellationToken.None);
        }
        return await AttemptAsync(delivery, subscription, ct);
    }

    /// <summary>
    /// Attempts a delivery as its claim left it (state Sending), with its subscription as read then (null when deleted); neither is
    /// tracked by a context. <paramref name="sent"/> is called when the HTTP exchange is over, before the attempt is recorded, so the
    /// endpoint's slot can go to the next attempt. See <see cref="AttemptAsync(Guid, CancellationToken)"/>.
    /// </summary>
    public async Task<DeliveryAttempt?> AttemptAsync(WebhookDelivery delivery, WebhookSubscription? subscription, CancellationToken ct,
        Action? sent = null)
    {
        if (subscription is null || (!subscription.Enabled && !delivery.IsTest))
        {
            await SaveAsync(delivery, d => DeliveryTransitions.Cancel(d, time.GetUtcNow()));
            observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, Name(delivery.State), null));
            return null;
        }

        AttemptOutcome outcome;
        try
        {
            outcome = await sender.SendAsync(subscription.Url, delivery.MessageId, delivery.Body,
                subscriptions.ActiveSecrets(subscription), subscriptions.Headers(subscription),
                TimeSpan.FromSeconds(subscription.TimeoutSeconds), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await SaveAsync(delivery, d => DeliveryTransitions.Release(d, time.GetUtcNow()));
            observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, Name(delivery.State), delivery.NextAttemptAt));
            return null;
        }

        sent?.Invoke();
        var now = time.GetUtcNow();
        var attempt = new DeliveryAttempt
        {
            DeliveryId = delivery.Id,
            SubscriptionId = subscription.Id,
            EventType = delivery.EventType,
            Number = delivery.AttemptCount,
            At = now,
            DurationMs = outcome.DurationMs,
            Succeeded = outcome.Succeeded,
            IsTest = delivery.IsTest,
            StatusCode = outcome.StatusCode,
            Failure = outcome.Failure,
            RequestHeaders = outcome.RequestHeaders,
            ResponseHeaders = outcome.ResponseHeaders,
            ResponseBody = outcome.ResponseBody,
        };
        // The attempt row, the delivery's new state and the subscription's health: one transaction.
        var disabled = await writer.WriteAsync(async db =>
        {
            db.Attach(delivery);
            db.Attach(subscription);
            db.DeliveryAttempts.Add(attempt);
            if (outcome.Succeeded)
                DeliveryTransitions.Succeed(delivery, now);
            else
                DeliveryTransitions.Fail(delivery, RetryAt(delivery, subscription, outcome, now), now);
            var disabled = delivery.IsTest ? null : health.Record(db, subscription, delivery, outcome, now);
            await db.SaveChangesAsync(CancellationToken.None);
            return disabled;
        }, flush: false);
        if (disabled is not null)
            await health.AnnounceAsync(disabled, CancellationToken.None);

        observer.AttemptRecorded(new(attempt.Id, delivery.Id, subscription.Id, delivery.EventType, attempt.Number,
            outcome.Succeeded ? "succeeded" : "failed", outcome.StatusCode, outcome.DurationMs, now, delivery.IsTest, outcome.Failure));
        observer.DeliveryStateChanged(new(delivery.Id, subscription.Id, Name(delivery.State), delivery.NextAttemptAt));
        return attempt;
    }

    /// <summary>Applies a state change to the delivery and commits it.</summary>
    private Task SaveAsync(WebhookDelivery delivery, Action<WebhookDelivery> change) =>
        writer.WriteAsync(async db =>
        {
            db.Attach(delivery);
            change(delivery);
            await db.SaveChangesAsync(CancellationToken.None);
        }, flush: false);

    // 410 Gone: the receiver says it will never want this again, so no retry.
    private DateTimeOffset? RetryAt(WebhookDelivery delivery, WebhookSubscription subscription, AttemptOutcome outcome, DateTimeOffset now) =>
        outcome.StatusCode == 410 ? null
        : RetryPolicy.NextAttemptAt(subscription.RetrySchedule, DeliveryTransitions.AttemptsInCycle(delivery), now,
            outcome.RetryAfter, options.Value.RetryJitter, JitterSample());

    /// <summary>A state's name as the API and the hub spell it.</summary>
    public static string Name(DeliveryState state) => state.ToString().ToLowerInvariant();
}
