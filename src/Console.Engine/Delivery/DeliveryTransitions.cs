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

    /// <summary>Sending → retrying at <paramref name="retryAt"/>, or → failed when there is none (schedule used up, a test, 410 Gone).</summary>
    public static void Fail(WebhookDelivery delivery, DateTimeOffset? retryAt, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Sending);
        if (delivery.IsTest || retryAt is null)
        {
            delivery.State = DeliveryState.Failed;
            delivery.CompletedAt = now;
            return;
        }
        delivery.State = DeliveryState.Retrying;
        delivery.NextAttemptAt = retryAt;
    }

    /// <summary>Sending → pending, the attempt unmade: the console stopped before it finished (it is sent again, at least once).</summary>
    public static void Release(WebhookDelivery delivery, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Sending);
        delivery.State = DeliveryState.Pending;
        delivery.AttemptCount = Math.Max(delivery.ScheduleStart, delivery.AttemptCount - 1);
        delivery.NextAttemptAt = now;
    }

    /// <summary>Pending, retrying or sending → cancelled (its subscription was deleted or disabled).</summary>
    public static void Cancel(WebhookDelivery delivery, DateTimeOffset now)
    {
        Require(delivery, DeliveryState.Pending, DeliveryState.Retrying, DeliveryState.Sending);
        delivery.State = DeliveryState.Cancelled;
        delivery.NextAttemptAt = null;
        delivery.CompletedAt = now;
    }

    /// <summary>
    /// Failed, succeeded, cancelled or retrying → pending now: a person asked to send it again (same webhook-id).
    /// The retry schedule starts over from this attempt.
    /// </summary>
    public static void Resend(WebhookDelivery delivery, DateTimeOffset now, Guid? replayId = null)
    {
        Require(delivery, DeliveryState.Failed, DeliveryState.Succeeded, DeliveryState.Cancelled, DeliveryState.Retrying);
        delivery.State = DeliveryState.Pending;
        delivery.NextAttemptAt = now;
        delivery.CompletedAt = null;
        delivery.ScheduleStart = delivery.AttemptCount;
        delivery.ReplayId = replayId ?? delivery.ReplayId;
    }

    /// <summary>Failed attempts in the current retry cycle (since the first send or the last resend).</summary>
    public static int AttemptsInCycle(WebhookDelivery delivery) => delivery.AttemptCount - delivery.ScheduleStart;

    private static void Require(WebhookDelivery delivery, params DeliveryState[] from)
    {
        if (!from.Contains(delivery.State))
            throw new InvalidOperationException($"Delivery {delivery.Id} is {delivery.State}; expected {string.Join(" or ", from)}.");
    }
}
