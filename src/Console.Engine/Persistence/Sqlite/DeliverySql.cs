namespace WebhookConsole.Engine.Persistence.Sqlite;

/// <summary>
/// The hot path's SQL for SQLite, named, in one place. Columns are as EF Core maps them: Guids as upper-case TEXT, times as UTC
/// ticks, states as their names, booleans as 0/1.
/// </summary>
internal static class DeliverySql
{
    /// <summary>
    /// The first due rows of one state, by the (State, NextAttemptAt) index, skipping blocked endpoints: what a claim chooses from.
    /// It reads only the keys; <see cref="ClaimRow"/> takes the rows it chose.
    /// </summary>
    public const string ScanDue = """
        SELECT rowid, SubscriptionId, NextAttemptAt FROM Deliveries
        WHERE State = $state AND NextAttemptAt <= $now AND SubscriptionId NOT IN (SELECT value FROM json_each($blocked))
        ORDER BY NextAttemptAt LIMIT $scan
        """;

    /// <summary>What a claim needs of a subscription: its limits, and its version for the cache (no row: deleted).</summary>
    public const string SubscriptionLimits = """
        SELECT MaxConcurrency, RateLimitPerSecond, UpdatedAt, Enabled FROM Subscriptions WHERE Id = $id
        """;

    /// <summary>One chosen row moved to Sending (if it is still due: nothing else writes between the scan and this, but say so).</summary>
    public const string ClaimRow = """
        UPDATE Deliveries SET State = 'Sending', AttemptCount = AttemptCount + 1, NextAttemptAt = NULL
        WHERE rowid = $rowid AND State IN ('Pending', 'Retrying')
        RETURNING Id, MessageId, EventId, EventType, SubscriptionId, Body, AttemptCount, ScheduleStart, ReplayId, CreatedAt, IsTest, TraceParent
        """;

    /// <summary>The attempt row of the delivery log.</summary>
    public const string InsertAttempt = """
        INSERT INTO DeliveryAttempts (DeliveryId, SubscriptionId, EventType, Number, At, DurationMs, Succeeded, IsTest, StatusCode,
                                      Failure, RequestHeaders, ResponseHeaders, ResponseBody)
        VALUES ($deliveryId, $subscriptionId, $eventType, $number, $at, $durationMs, $succeeded, $isTest, $statusCode,
                $failure, $requestHeaders, $responseHeaders, $responseBody)
        RETURNING Id
        """;

    /// <summary>A claimed delivery's new state; only while it is still Sending, so a stale claim changes nothing.</summary>
    public const string UpdateState = """
        UPDATE Deliveries SET State = $state, AttemptCount = $attemptCount, NextAttemptAt = $nextAttemptAt, CompletedAt = $completedAt
        WHERE Id = $id AND State = 'Sending'
        """;

    /// <summary>
    /// The webhook's health after an attempt (seed 002): a success clears "failing" and the failure streak; a failure starts the
    /// streak, and a delivery that failed for good marks the webhook failing.
    /// </summary>
    public const string RecordHealth = """
        UPDATE Subscriptions SET LastDeliveryAt = $now,
            FailingSince = CASE WHEN $succeeded THEN NULL WHEN $failedForGood THEN COALESCE(FailingSince, $now) ELSE FailingSince END,
            FailureStreakSince = CASE WHEN $succeeded THEN NULL ELSE COALESCE(FailureStreakSince, $now) END
        WHERE Id = $id
        RETURNING Enabled, FailureStreakSince
        """;

    /// <summary>The webhook's counter for the hour of the attempt, which the 24-hour chart reads instead of the attempts.</summary>
    public const string CountHour = """
        INSERT INTO HourlyCounts (SubscriptionId, Hour, Attempts, Succeeded, Failed) VALUES ($subscriptionId, $hour, 1, $succeeded, $failed)
        ON CONFLICT (SubscriptionId, Hour) DO UPDATE
            SET Attempts = Attempts + 1, Succeeded = Succeeded + excluded.Succeeded, Failed = Failed + excluded.Failed
        """;

    /// <summary>The duration bucket of the attempt in its hour, which the Overview's p50 and p95 read.</summary>
    public const string CountDuration = """
        INSERT INTO HourlyDurations (Hour, UpperMs, Count) VALUES ($hour, $upperMs, 1)
        ON CONFLICT (Hour, UpperMs) DO UPDATE SET Count = Count + 1
        """;

    /// <summary>A published event, kept for the duplicate check; its id is the key, so the same id twice fails (code 19).</summary>
    public const string InsertEvent = """
        INSERT INTO Events (Id, Type, Data, OccurredAt, ReceivedAt, DeliveryCount) VALUES ($id, $type, $data, $occurredAt, $receivedAt, $deliveryCount)
        """;

    /// <summary>A new delivery (the outbox row), pending and due at once.</summary>
    public const string InsertDelivery = """
        INSERT INTO Deliveries (Id, MessageId, EventId, EventType, SubscriptionId, Body, State, AttemptCount, NextAttemptAt, ScheduleStart,
                                ReplayId, CreatedAt, CompletedAt, IsTest, TraceParent)
        VALUES ($id, $messageId, $eventId, $eventType, $subscriptionId, $body, $state, 0, $nextAttemptAt, 0, NULL, $createdAt, NULL, $isTest,
                $traceParent)
        """;
}
