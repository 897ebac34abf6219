namespace WebhookConsole.Engine.Persistence.PostgreSql;

/// <summary>
/// The hot path's SQL for PostgreSQL, named, in one place: the same statements as SQLite's (<see cref="Sqlite.DeliverySql"/>),
/// plus what several nodes on one database need: claims that skip rows another node holds, leases, a claim token that recording
/// checks, limits counted across the cluster, and NOTIFY for the other nodes. Columns are as EF Core maps them (quoted names).
/// </summary>
internal static class PostgresSql
{
    /// <summary>Channel on which a node says "work is due or was added": published events, retries scheduled, claims released.</summary>
    public const string WorkChannel = "webhook_console_work";

    /// <summary>Channel on which a node says "an inbound request was accepted".</summary>
    public const string InboundChannel = "webhook_console_inbound";

    /// <summary>Channel on which a node says "this webhook changed" (its id, or empty for all): the others drop their cached copies.</summary>
    public const string SubscriptionsChannel = "webhook_console_subscriptions";

    /// <summary>Channel of the live log: every attempt and state change a node sees, for the feeds of the others.</summary>
    public const string FeedChannel = "webhook_console_feed";

    /// <summary>
    /// The advisory lock every claim takes for its transaction: claims run one at a time across the cluster, so the in-flight
    /// count per endpoint that a claim reads is still true when it commits. (Claims are a few milliseconds; attempts, the slow
    /// part, happen outside.)
    /// </summary>
    public const long ClaimLock = 0x5765_6268_6F6F_6B43; // "WebhookC"

    public const string TakeClaimLock = "SELECT pg_advisory_xact_lock(@lock)";

    /// <summary>
    /// One statement claims: the first due rows (Pending or Retrying and due, or Sending with a lapsed lease: a node died or
    /// stalled; each kind read in the order of the (State, NextAttemptAt) index, so a claim reads a few rows, not the backlog)
    /// that no other transaction holds (<c>SKIP LOCKED</c>), numbered per endpoint so none gets more than its limit less
    /// what the whole cluster has in flight to it, at most one per rate-limited endpoint whose next slot has come; moved to Sending
    /// with this node's name, a fresh token and a lease. What this node knows of its own lanes (<c>@roomIds</c>, <c>@roomCounts</c>:
    /// <see cref="Delivery.EndpointGate"/>'s room) can only lower that. A rate-limited endpoint's next slot moves on by one interval.
    /// </summary>
    public const string ClaimDue = """
        WITH pending AS (
            SELECT "Id", "SubscriptionId", "NextAttemptAt" AS "DueAt" FROM "Deliveries"
            WHERE "State" = 'Pending' AND "NextAttemptAt" <= @now AND NOT ("SubscriptionId" = ANY(@blocked))
            ORDER BY "NextAttemptAt" LIMIT @scan
            FOR UPDATE SKIP LOCKED),
        retrying AS (
            SELECT "Id", "SubscriptionId", "NextAttemptAt" AS "DueAt" FROM "Deliveries"
            WHERE "State" = 'Retrying' AND "NextAttemptAt" <= @now AND NOT ("SubscriptionId" = ANY(@blocked))
            ORDER BY "NextAttemptAt" LIMIT @scan
            FOR UPDATE SKIP LOCKED),
        lapsed AS (
            SELECT "Id", "SubscriptionId", "LeaseExpiresAt" AS "DueAt" FROM "Deliveries"
            WHERE "State" = 'Sending' AND "LeaseExpiresAt" <= @now AND NOT ("SubscriptionId" = ANY(@blocked))
            ORDER BY "LeaseExpiresAt" LIMIT @scan
            FOR UPDATE SKIP LOCKED),
        due AS (SELECT * FROM pending UNION ALL SELECT * FROM retrying UNION ALL SELECT * FROM lapsed),
        busy AS (
            SELECT "SubscriptionId", count(*) AS "InFlight" FROM "Deliveries"
            WHERE "State" = 'Sending' AND "LeaseExpiresAt" > @now AND "SubscriptionId" IN (SELECT "SubscriptionId" FROM due)
            GROUP BY "SubscriptionId"),
        ranked AS (
            SELECT due."Id", due."DueAt",
                   ROW_NUMBER() OVER (PARTITION BY due."SubscriptionId" ORDER BY due."DueAt") AS n,
                   CASE WHEN s."RateLimitPerSecond" > 0 AND COALESCE(p."NextSlotAt", '-infinity') > @now THEN 0
                        ELSE LEAST(COALESCE(s."MaxConcurrency", @perEndpoint) - COALESCE(b."InFlight", 0),
                                   CASE WHEN s."RateLimitPerSecond" > 0 THEN 1 ELSE @perEndpoint END,
                                   COALESCE(r."Room", @perEndpoint)) END AS room
            FROM due
            LEFT JOIN "Subscriptions" AS s ON s."Id" = due."SubscriptionId"
            LEFT JOIN busy AS b ON b."SubscriptionId" = due."SubscriptionId"
            LEFT JOIN unnest(@roomIds, @roomCounts) AS r("SubscriptionId", "Room") ON r."SubscriptionId" = due."SubscriptionId"
            LEFT JOIN "EndpointPacing" AS p ON p."SubscriptionId" = due."SubscriptionId"),
        chosen AS (SELECT "Id" FROM ranked WHERE n <= room ORDER BY "DueAt" LIMIT @max),
        claimed AS (
            UPDATE "Deliveries" AS d
            SET "State" = 'Sending',
                -- a lapsed claim's attempt never finished: it is not counted twice
                "AttemptCount" = CASE WHEN d."State" = 'Sending' THEN d."AttemptCount" ELSE d."AttemptCount" + 1 END,
                "NextAttemptAt" = NULL, "ClaimedBy" = @node, "ClaimToken" = gen_random_uuid(), "LeaseExpiresAt" = @leaseUntil
            FROM chosen WHERE d."Id" = chosen."Id"
            RETURNING d."Id", d."MessageId", d."EventId", d."EventType", d."SubscriptionId", d."Body", d."AttemptCount",
                      d."ScheduleStart", d."ReplayId", d."CreatedAt", d."IsTest", d."TraceParent", d."ClaimToken"),
        paced AS (
            INSERT INTO "EndpointPacing" ("SubscriptionId", "NextSlotAt")
            SELECT s."Id", @now + make_interval(secs => 1.0 / s."RateLimitPerSecond")
            FROM "Subscriptions" AS s WHERE s."RateLimitPerSecond" > 0 AND s."Id" IN (SELECT "SubscriptionId" FROM claimed)
            ON CONFLICT ("SubscriptionId") DO UPDATE SET "NextSlotAt" = excluded."NextSlotAt")
        SELECT c."Id", c."MessageId", c."EventId", c."EventType", c."SubscriptionId", c."Body", c."AttemptCount", c."ScheduleStart",
               c."ReplayId", c."CreatedAt", c."IsTest", s."UpdatedAt", s."Enabled", c."TraceParent", c."ClaimToken"
        FROM claimed AS c LEFT JOIN "Subscriptions" AS s ON s."Id" = c."SubscriptionId"
        """;

    /// <summary>The attempt row of the delivery log. It happened, so it is logged even when the claim was lost meanwhile.</summary>
    public const string InsertAttempt = """
        INSERT INTO "DeliveryAttempts" ("DeliveryId", "SubscriptionId", "EventType", "Number", "At", "DurationMs", "Succeeded", "IsTest",
                                        "StatusCode", "Failure", "RequestHeaders", "ResponseHeaders", "ResponseBody")
        VALUES (@deliveryId, @subscriptionId, @eventType, @number, @at, @durationMs, @succeeded, @isTest, @statusCode,
                @failure, @requestHeaders, @responseHeaders, @responseBody)
        RETURNING "Id"
        """;

    /// <summary>
    /// The delivery's new state, only while this node's claim holds (its token); and, unless a test, the webhook's health (as
    /// <see cref="Sqlite.DeliverySql.RecordHealth"/>: the attempt happened, whoever holds the delivery now, and says how the endpoint
    /// answers). Returns whether the claim held, and the health after it.
    /// </summary>
    public const string RecordState = $$"""
        WITH moved AS ({{UpdateState}} RETURNING "Id"),
        health AS (
            UPDATE "Subscriptions" SET "LastDeliveryAt" = @at,
                "FailingSince" = CASE WHEN @succeeded THEN NULL WHEN @failedForGood THEN COALESCE("FailingSince", @at) ELSE "FailingSince" END,
                "FailureStreakSince" = CASE WHEN @succeeded THEN NULL ELSE COALESCE("FailureStreakSince", @at) END
            WHERE "Id" = @subscriptionId AND @health
            RETURNING "Enabled", "FailureStreakSince")
        SELECT EXISTS (SELECT 1 FROM moved), h."Enabled", h."FailureStreakSince" FROM (SELECT 1) AS one LEFT JOIN health AS h ON true
        """;

    /// <summary>A claimed delivery's new state when no attempt was made; only while this node's claim holds (a "Send test" holds none: null matches null).</summary>
    public const string UpdateState = """
        UPDATE "Deliveries" SET "State" = @state, "AttemptCount" = @attemptCount, "NextAttemptAt" = @nextAttemptAt, "CompletedAt" = @completedAt,
                                "ClaimedBy" = NULL, "ClaimToken" = NULL, "LeaseExpiresAt" = NULL
        WHERE "Id" = @id AND "State" = 'Sending' AND "ClaimToken" IS NOT DISTINCT FROM @token::uuid
        """;

    /// <summary>The webhook's counter for the hour of the attempt.</summary>
    public const string CountHour = """
        INSERT INTO "HourlyCounts" ("SubscriptionId", "Hour", "Attempts", "Succeeded", "Failed") VALUES (@subscriptionId, @hour, 1, @succeeded, @failed)
        ON CONFLICT ("SubscriptionId", "Hour") DO UPDATE
            SET "Attempts" = "HourlyCounts"."Attempts" + 1, "Succeeded" = "HourlyCounts"."Succeeded" + excluded."Succeeded",
                "Failed" = "HourlyCounts"."Failed" + excluded."Failed"
        """;

    /// <summary>The duration bucket of the attempt in its hour.</summary>
    public const string CountDuration = """
        INSERT INTO "HourlyDurations" ("Hour", "UpperMs", "Count") VALUES (@hour, @upperMs, 1)
        ON CONFLICT ("Hour", "UpperMs") DO UPDATE SET "Count" = "HourlyDurations"."Count" + 1
        """;

    /// <summary>A published event, kept for the duplicate check; its id is the key (<c>PK_Events</c>).</summary>
    public const string InsertEvent = """
        INSERT INTO "Events" ("Id", "Type", "Data", "OccurredAt", "ReceivedAt", "DeliveryCount") VALUES (@id, @type, @data, @occurredAt, @receivedAt, @deliveryCount)
        """;

    /// <summary>A new delivery (the outbox row), pending and due at once.</summary>
    public const string InsertDelivery = """
        INSERT INTO "Deliveries" ("Id", "MessageId", "EventId", "EventType", "SubscriptionId", "Body", "State", "AttemptCount", "NextAttemptAt",
                                  "ScheduleStart", "ReplayId", "CreatedAt", "CompletedAt", "IsTest", "TraceParent")
        VALUES (@id, @messageId, @eventId, @eventType, @subscriptionId, @body, @state, 0, @nextAttemptAt, 0, NULL, @createdAt, NULL, @isTest, @traceParent)
        """;

    /// <summary>Keeps this node's claims: every delivery it holds gets a new lease.</summary>
    public const string RenewLeases = """
        UPDATE "Deliveries" SET "LeaseExpiresAt" = @leaseUntil WHERE "ClaimedBy" = @node AND "State" = 'Sending'
        """;

    public const string Notify = "SELECT pg_notify(@channel, @payload)";
}
