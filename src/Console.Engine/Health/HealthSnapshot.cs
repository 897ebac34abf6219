namespace WebhookConsole.Engine.Health;

/// <summary>Is everything all right? What the console did in the last 24 hours and what is waiting, as of <see cref="At"/>.</summary>
public sealed record HealthSnapshot(
    DateTimeOffset At,
    IReadOnlyList<HourOfDeliveries> Hours,
    AttemptTotals Attempts,
    IReadOnlyList<WebhookTrouble> Troubled,
    Backlog Backlog,
    InboundTotals Inbound,
    ActionCallTotals ActionCalls,
    FirstRun FirstRun);

/// <summary>Attempts started in one hour, by how they ended: succeeded, failed but retried, or failed for good.</summary>
public sealed record HourOfDeliveries(DateTimeOffset Hour, int Succeeded, int Retried, int Failed);

/// <summary>Attempts of the last 24 hours (tests not counted), the share that succeeded and how long they took.</summary>
public sealed record AttemptTotals(int Count, int Succeeded, int? P50Ms, int? P95Ms)
{
    /// <summary>Succeeded attempts in percent, or null when there were none.</summary>
    public double? SuccessRate => Count == 0 ? null : 100.0 * Succeeded / Count;
}

/// <summary>A webhook that is failing or disabled, and why.</summary>
public sealed record WebhookTrouble(Guid Id, string Name, bool Disabled, string Why, DateTimeOffset? Since);

/// <summary>Deliveries waiting (pending plus retrying) and how long the oldest one that is due has waited.</summary>
public sealed record Backlog(int Pending, int Retrying, TimeSpan? OldestDueAge)
{
    public int Total => Pending + Retrying;
}

/// <summary>Inbound requests of the last 24 hours, those refused (answered 4xx or 5xx), and the last one's time.</summary>
public sealed record InboundTotals(int Requests, int Refused, DateTimeOffset? LastAt);

/// <summary>Assistant action calls of the last 24 hours and those that failed (not sent, or answered outside 2xx).</summary>
public sealed record ActionCallTotals(int Calls, int Failed);

/// <summary>The first-run steps, each done or not: create a webhook, Send test, publish an event, see it delivered.</summary>
public sealed record FirstRun(bool WebhookCreated, bool TestSent, bool EventPublished, bool EventDelivered)
{
    public bool Done => WebhookCreated && TestSent && EventPublished && EventDelivered;
}
