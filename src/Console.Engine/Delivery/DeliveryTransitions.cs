namespace WebhookConsole.Engine.Delivery;

/// <summary>The one place delivery states change. Every transition checks where it comes from.</summary>
public static class DeliveryTransitions
{
    /// <summary>Pending or retrying → sending: an attempt begins.</summary>
    public static void Start(WebhookDelivery delivery)
    {
        Require(delivery, DeliveryState.Pending, DeliveryState.Retrying);
        delivery.State = DeliveryState.Sending;
        delivery.AttemptCount++;
        delivery.NextAttemptAt = null;
    }

    /// <summary>Sending → succeeded.</summary>
    public static void Succeed(WebhookDelivery delivery, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Sending);
        delivery.State = DeliveryState.Succeeded;
        delivery.CompletedAt = now;
    }

    /// <summary>
    /// Sending → retrying at the schedule's next delay, or → failed when the schedule is used up (a test is never retried).
    /// <paramref name="notBefore"/> can only push the retry later (e.g. a receiver's Retry-After).
    /// </summary>
    public static void Fail(WebhookDelivery delivery, IReadOnlyList<int> schedule, DateTimeOffset now, DateTimeOffset? notBefore = null)
    {
        Require(delivery, DeliveryState.Sending);
        var retryIndex = delivery.AttemptCount - 1;
        if (delivery.IsTest || retryIndex >= schedule.Count)
        {
            delivery.State = DeliveryState.Failed;
            delivery.CompletedAt = now;
            return;
        }
        var next = now + TimeSpan.FromSeconds(schedule[retryIndex]);
        delivery.State = DeliveryState.Retrying;
        delivery.NextAttemptAt = notBefore > next ? notBefore : next;
    }

    /// <summary>Pending or retrying → cancelled (its subscription was deleted or disabled).</summary>
    public static void Cancel(WebhookDelivery delivery, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Pending, DeliveryState.Retrying, DeliveryState.Sending);
        delivery.State = DeliveryState.Cancelled;
        delivery.NextAttemptAt = null;
        delivery.CompletedAt = now;
    }

    /// <summary>Failed, succeeded or cancelled → pending: a person asked to send it again (same webhook-id).</summary>
    public static void Resend(WebhookDelivery delivery, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Failed, DeliveryState.Succeeded, DeliveryState.Cancelled);
        delivery.State = DeliveryState.Pending;
        delivery.NextAttemptAt = now;
        delivery.CompletedAt = null;
    }

    private static void Require(WebhookDelivery delivery, params DeliveryState[] from)
    {
        if (!from.Contains(delivery.State))
            throw new InvalidOperationException($"Delivery {delivery.Id} is {delivery.State}; expected {string.Join(" or ", from)}.");
    }
}
