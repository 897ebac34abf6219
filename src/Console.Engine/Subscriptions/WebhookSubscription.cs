namespace WebhookConsole.Engine.Subscriptions;

/// <summary>An outbound webhook: where to send which events, signed with which secret.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public required string Url { get; set; }
    /// <summary>The canonical catalog types it receives.</summary>
    public List<string> Events { get; set; } = [];
    public bool Enabled { get; set; } = true;
    /// <summary>Custom headers; values are stored protected and shown masked.</summary>
    public List<StoredHeader> Headers { get; set; } = [];
    /// <summary>When set, only events whose data carries this assistant id (seed 003's per-assistant webhooks).</summary>
    public string? AssistantId { get; set; }
    /// <summary>When set, deliveries carry only this mapping's fields (seed 004); see Mapping/OutboundBodies.</summary>
    public Guid? MappingId { get; set; }
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Delays before each retry, in seconds.</summary>
    public List<int> RetrySchedule { get; set; } = [.. RetrySchedules.Standard];
    /// <summary>The signing secret, protected.</summary>
    public required string ProtectedSecret { get; set; }
    /// <summary>The secret replaced by the last rotation, protected; it signs alongside until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? ProtectedPreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    /// <summary>Set when a delivery failed for good; cleared by the next success.</summary>
    public DateTimeOffset? FailingSince { get; set; }
    /// <summary>The first failed attempt since the last success: how long the endpoint has only failed (auto-disable).</summary>
    public DateTimeOffset? FailureStreakSince { get; set; }
    /// <summary>Why the console disabled it by itself (410 Gone, or failing too long); null when a person did, or when enabled.</summary>
    public string? DisabledReason { get; set; }
    /// <summary>At most this many attempts to this endpoint at once; null for the console's default.</summary>
    public int? MaxConcurrency { get; set; }
    /// <summary>At most this many requests per second to this endpoint; null for no limit.</summary>
    public int? RateLimitPerSecond { get; set; }
    public DateTimeOffset? LastDeliveryAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>healthy, failing or disabled, as the list shows it.</summary>
    public SubscriptionStatus Status => !Enabled ? SubscriptionStatus.Disabled
        : FailingSince is not null ? SubscriptionStatus.Failing
        : SubscriptionStatus.Healthy;
}

/// <summary>A custom header as stored: the value is protected.</summary>
public sealed record StoredHeader(string Key, string ProtectedValue);

/// <summary>What the list shows about a subscription's health.</summary>
public enum SubscriptionStatus { Healthy, Failing, Disabled }

/// <summary>The retry schedules a user can pick (seconds between attempts).</summary>
public static class RetrySchedules
{
    /// <summary>Seed 002: 10 s, 60 s, 5 min.</summary>
    public static readonly IReadOnlyList<int> Standard = [10, 60, 300];
    /// <summary>Seed 003: 1 min, 5 min, 15 min.</summary>
    public static readonly IReadOnlyList<int> Patient = [60, 300, 900];
    /// <summary>Standard Webhooks / Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public static readonly IReadOnlyList<int> Extended = [5, 300, 1800, 7200, 18000, 36000, 36000];
}
