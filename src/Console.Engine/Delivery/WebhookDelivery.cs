namespace WebhookConsole.Engine.Delivery;

/// <summary>One event on its way to one subscription: a stored row before anything is sent (the outbox).</summary>
public sealed class WebhookDelivery
{
    /// <summary>Time-ordered (version 7), so new rows go to the end of the key's index, as the attempts' index by delivery does, instead of to a random page each.</summary>
    public Guid Id { get; set; } = Guid.CreateVersion7();
    /// <summary>Sent as <c>webhook-id</c>, the same on every attempt, so receivers can deduplicate.</summary>
    public required string MessageId { get; set; }
    public required string EventId { get; set; }
    public required string EventType { get; set; }
    public Guid SubscriptionId { get; set; }
    /// <summary>The exact request body (UTF-8 JSON), serialized once at publish; every attempt sends and signs these bytes.</summary>
    public required byte[] Body { get; set; }
    public DeliveryState State { get; set; } = DeliveryState.Pending;
    public int AttemptCount { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>The attempt count when the current retry cycle began: 0, or where a resend restarted the schedule.</summary>
    public int ScheduleStart { get; set; }
    /// <summary>The replay that queued it again, if any, so the replay's progress can be counted.</summary>
    public Guid? ReplayId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>The W3C <c>traceparent</c> of the publish that created it, so every attempt, even a retry hours later, joins that trace.</summary>
    public string? TraceParent { get; set; }
    /// <summary>A "Send test" delivery: attempted once, never retried, never changes the subscription's health.</summary>
    public bool IsTest { get; set; }
    /// <summary>While Sending on PostgreSQL: the node that claimed it (<see cref="WebhookEngineOptions.NodeName"/>).</summary>
    public string? ClaimedBy { get; set; }
    /// <summary>While Sending on PostgreSQL: this claim's token. Recording the attempt checks it, so a node that lost the claim changes nothing.</summary>
    public Guid? ClaimToken { get; set; }
    /// <summary>While Sending on PostgreSQL: the claim holds until then unless its node renews it; after that any node may claim it again.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}

/// <summary>
/// A rate-limited webhook's next free slot across the cluster (PostgreSQL): a claim takes a delivery for it only once this time
/// has come, and moves it on by one interval.
/// </summary>
public sealed class EndpointPacing
{
    public Guid SubscriptionId { get; set; }
    public DateTimeOffset NextSlotAt { get; set; }
}

/// <summary>Where a delivery stands. Transitions are applied in <see cref="DeliveryTransitions"/> only.</summary>
public enum DeliveryState { Pending, Sending, Succeeded, Retrying, Failed, Cancelled }
