namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// The delivery hot path's storage: claiming due deliveries and recording attempts, a few statements run in batches. Everything
/// else (pages, CRUD, migrations) stays in EF Core. SQLite implements it in <c>Persistence/Sqlite</c>; a PostgreSQL store can
/// implement it again with the same promises: a claim is committed before anything is sent, an attempt is stored in one
/// transaction with its delivery's new state, the webhook's health and its hourly counter, and both survive the process being killed.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Stores published events and their deliveries in one transaction, all or nothing, and completes once that is on disk (fsync).
    /// An event id stored before fails the whole call with <see cref="DuplicateEventException"/>.
    /// </summary>
    Task EnqueueAsync(IReadOnlyList<Events.EventRecord> events, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct = default);

    /// <summary>
    /// Moves up to <see cref="ClaimLimits.Max"/> due deliveries to Sending in one write, no more per endpoint than it has room
    /// for, and returns them (committed) with the version of their subscription.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(ClaimLimits limits, CancellationToken ct = default);

    /// <summary>
    /// Stores an attempt together with its delivery's new state (already applied by <see cref="DeliveryTransitions"/>) and, unless
    /// a test, the webhook's health and hourly counter; shares its transaction with the other writes waiting.
    /// </summary>
    Task<RecordedAttempt> RecordAttemptAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct = default);

    /// <summary>Stores a claimed delivery's new state when no attempt was made (cancelled, or released at a stop).</summary>
    Task SaveStateAsync(WebhookDelivery delivery, CancellationToken ct = default);
}

/// <summary>
/// What one claim may take: at most <see cref="Max"/> in all, none of <see cref="Blocked"/>, at most <see cref="Room"/>'s figure for
/// the endpoints it names and, for the others, their own concurrency limit (or <see cref="PerEndpoint"/>), one when rate-limited.
/// </summary>
public sealed record ClaimLimits(int Max, int PerEndpoint, IReadOnlyCollection<Guid> Blocked, IReadOnlyDictionary<Guid, int> Room, DateTimeOffset Now);

/// <summary>A claimed delivery, and its subscription's version as the claim saw it (null: the subscription was deleted).</summary>
public sealed record ClaimedDelivery(WebhookDelivery Delivery, SubscriptionVersion? Subscription);

/// <summary>Enough of a subscription to tell whether a cached copy is current.</summary>
public readonly record struct SubscriptionVersion(DateTimeOffset UpdatedAt, bool Enabled);

/// <summary>The stored attempt's id, and the webhook's health right after it (for the auto-disable decision).</summary>
public sealed record RecordedAttempt(long AttemptId, bool SubscriptionEnabled, DateTimeOffset? FailureStreakSince);

/// <summary>An event id that is already stored: it was published concurrently, so nothing of this call was stored.</summary>
public sealed class DuplicateEventException(Exception inner) : Exception("An event with this id is already stored.", inner);
