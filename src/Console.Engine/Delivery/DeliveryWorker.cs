using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Engine.Telemetry;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Makes one attempt of a claimed delivery and records it: the attempt row, the new state and the subscription's health, together.</summary>
public sealed class DeliveryWorker(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IDeliveryStore store,
    SubscriptionService subscriptions,
    SubscriptionHealth health,
    WebhookSender sender,
    IDeliveryObserver observer,
    EngineMetrics metrics,
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

        // A child of the publish that created the delivery, however long ago: publish → attempt → retry is one trace.
        using var activity = ConsoleTelemetry.StartFrom("deliver " + delivery.EventType, delivery.TraceParent, ActivityKind.Client);
        activity?.SetTag("webhook_console.delivery.id", delivery.Id).SetTag("webhook_console.attempt", delivery.AttemptCount)
            .SetTag("webhook_console.webhook.id", subscription.Id);
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
        activity?.SetTag("webhook_console.outcome", outcome.Succeeded ? "succeeded" : "failed").SetTag("http.response.status_code", outcome.StatusCode);
        if (!outcome.Succeeded)
            activity?.SetStatus(ActivityStatusCode.Error, outcome.Failure);
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
        if (outcome.Succeeded)
            DeliveryTransitions.Succeed(delivery, now);
        else
            DeliveryTransitions.Fail(delivery, RetryAt(delivery, subscription, outcome, now), now);
        // The attempt row, the delivery's new state, the subscription's health and hourly counter: one transaction.
        var recorded = await RecordAsync(attempt, delivery, ct);
        attempt.Id = recorded.AttemptId;
        if (!delivery.IsTest)
            await health.CheckAsync(subscription.Id, recorded, outcome, now);
        metrics.AttemptRecorded(delivery, outcome, now);

        observer.AttemptRecorded(new(attempt.Id, delivery.Id, subscription.Id, delivery.EventType, attempt.Number,
            outcome.Succeeded ? "succeeded" : "failed", outcome.StatusCode, outcome.DurationMs, now, delivery.IsTest, outcome.Failure));
        observer.DeliveryStateChanged(new(delivery.Id, subscription.Id, Name(delivery.State), delivery.NextAttemptAt));
        return attempt;
    }

    /// <summary>
    /// Records the attempt; while the store is full, tries again until there is room (or the console stops, and the delivery,
    /// still sending, goes back to pending at the next start): the attempt happened, and sending it again is only the last resort.
    /// </summary>
    private async Task<RecordedAttempt> RecordAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct)
    {
        var wait = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return await store.RecordAttemptAsync(attempt, delivery);
            }
            catch (Exception e) when (StoreSpace.IsFull(e))
            {
                await Task.Delay(wait, time, ct);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRecordWait.Ticks));
            }
        }
    }

    /// <summary>The longest wait between two tries to record an attempt while the store is full.</summary>
    private static readonly TimeSpan MaxRecordWait = TimeSpan.FromSeconds(5);

    /// <summary>Applies a state change to the claimed delivery and commits it.</summary>
    private Task SaveAsync(WebhookDelivery delivery, Action<WebhookDelivery> change)
    {
        change(delivery);
        return store.SaveStateAsync(delivery);
    }

    // 410 Gone: the receiver says it will never want this again, so no retry.
    private DateTimeOffset? RetryAt(WebhookDelivery delivery, WebhookSubscription subscription, AttemptOutcome outcome, DateTimeOffset now) =>
        outcome.StatusCode == 410 ? null
        : RetryPolicy.NextAttemptAt(subscription.RetrySchedule, DeliveryTransitions.AttemptsInCycle(delivery), now,
            outcome.RetryAfter, options.Value.RetryJitter, JitterSample());

    /// <summary>A state's name as the API and the hub spell it.</summary>
    public static string Name(DeliveryState state) => state.ToString().ToLowerInvariant();
}
