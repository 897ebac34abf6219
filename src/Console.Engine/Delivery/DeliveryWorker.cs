using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Makes one attempt of a claimed delivery and records it: the attempt row, the new state and the subscription's health, together.</summary>
public sealed class DeliveryWorker(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    SubscriptionService subscriptions,
    WebhookSender sender,
    IDeliveryObserver observer,
    TimeProvider time)
{
    /// <summary>Attempts a delivery in state Sending; returns the recorded attempt, or null when there was nothing to send.</summary>
    public async Task<DeliveryAttempt?> AttemptAsync(Guid deliveryId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is not { State: DeliveryState.Sending })
            return null;
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == delivery.SubscriptionId, ct);
        if (subscription is null || (!subscription.Enabled && !delivery.IsTest))
        {
            DeliveryTransitions.Cancel(delivery, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, Name(delivery.State), null));
            return null;
        }

        var outcome = await sender.SendAsync(subscription.Url, delivery.MessageId, delivery.Body,
            subscriptions.ActiveSecrets(subscription), subscriptions.Headers(subscription),
            TimeSpan.FromSeconds(subscription.TimeoutSeconds), ct);
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
        db.DeliveryAttempts.Add(attempt);
        if (outcome.Succeeded)
            DeliveryTransitions.Succeed(delivery, now);
        else
            DeliveryTransitions.Fail(delivery, subscription.RetrySchedule, now, NotBefore(delivery, subscription, outcome, now));

        if (!delivery.IsTest)
        {
            subscription.LastDeliveryAt = now;
            if (delivery.State == DeliveryState.Succeeded)
                subscription.FailingSince = null;
            else if (delivery.State == DeliveryState.Failed)
                subscription.FailingSince ??= now; // seed 002: after the last retry the webhook is "failing"
        }
        await db.SaveChangesAsync(ct);

        observer.AttemptRecorded(new(attempt.Id, delivery.Id, subscription.Id, delivery.EventType, attempt.Number,
            outcome.Succeeded ? "succeeded" : "failed", outcome.StatusCode, outcome.DurationMs, now, delivery.IsTest, outcome.Failure));
        observer.DeliveryStateChanged(new(delivery.Id, subscription.Id, Name(delivery.State), delivery.NextAttemptAt));
        return attempt;
    }

    // A receiver's Retry-After may push the next attempt later than the schedule, by at most twice the step.
    private static DateTimeOffset? NotBefore(WebhookDelivery delivery, WebhookSubscription subscription, AttemptOutcome outcome, DateTimeOffset now)
    {
        var index = delivery.AttemptCount - 1;
        if (outcome.RetryAfter is not { } retryAfter || index >= subscription.RetrySchedule.Count)
            return null;
        var cap = TimeSpan.FromSeconds(2 * subscription.RetrySchedule[index]);
        return now + (retryAfter < cap ? retryAfter : cap);
    }

    /// <summary>A state's name as the API and the hub spell it.</summary>
    public static string Name(DeliveryState state) => state.ToString().ToLowerInvariant();
}
