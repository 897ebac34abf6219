using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Engine.Persistence.PostgreSql;

/// <summary>
/// <see cref="IDeliveryStore"/> on PostgreSQL, for several nodes on one database: each call is one <see cref="NpgsqlBatch"/>, the
/// statements of <see cref="PostgresSql"/> in one round trip and one implicit transaction (a failing statement takes the batch's
/// others back), the HTTP call always outside it. A claim
/// carries this node's name, a token and a lease that <see cref="PostgresCluster"/> renews; recording checks the token, so a node
/// whose lease lapsed (it stalled, another node took the delivery) cannot overwrite the other's result.
/// </summary>
public sealed class PostgresDeliveryStore(PostgresStore store, StoreSpace space, IOptions<WebhookEngineOptions> options) : IDeliveryStore
{
    /// <summary>How many due rows of each kind one claim looks at, per delivery it may take.</summary>
    private const int ScanFactor = 4;

    /// <inheritdoc />
    public async Task EnqueueAsync(IReadOnlyList<EventRecord> events, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await store.Durable.OpenConnectionAsync(ct);
            await using var batch = new NpgsqlBatch(connection); // one round trip, one implicit transaction: all or nothing
            foreach (var e in events)
                batch.BatchCommands.Add(Command(PostgresSql.InsertEvent,
                    ("id", e.Id), ("type", e.Type), ("data", e.Data), ("occurredAt", e.OccurredAt.ToUniversalTime()),
                    ("receivedAt", e.ReceivedAt.ToUniversalTime()), ("deliveryCount", e.DeliveryCount)));
            foreach (var d in deliveries)
                batch.BatchCommands.Add(Command(PostgresSql.InsertDelivery,
                    ("id", d.Id), ("messageId", d.MessageId), ("eventId", d.EventId), ("eventType", d.EventType),
                    ("subscriptionId", d.SubscriptionId), ("body", d.Body), ("state", d.State.ToString()),
                    ("nextAttemptAt", d.NextAttemptAt?.ToUniversalTime()), ("createdAt", d.CreatedAt.ToUniversalTime()), ("isTest", d.IsTest),
                    ("traceParent", d.TraceParent)));
            if (deliveries.Count > 0)
                batch.BatchCommands.Add(Notify(PostgresSql.WorkChannel)); // sent at commit: the others find the rows there
            if (batch.BatchCommands.Count > 0)
                await batch.ExecuteNonQueryAsync(ct);
            space.Wrote();
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "PK_Events" })
        {
            throw new DuplicateEventException(e);
        }
        catch (Exception e)
        {
            space.Failed(e);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(ClaimLimits limits, CancellationToken ct = default)
    {
        var settings = options.Value;
        await using var connection = await store.Relaxed.OpenConnectionAsync(ct);
        // One round trip and one implicit transaction, which the claim lock lasts for.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(PostgresSql.TakeClaimLock, ("lock", PostgresSql.ClaimLock)),
                Command(PostgresSql.ClaimDue,
                    ("now", limits.Now.ToUniversalTime()), ("max", limits.Max), ("scan", limits.Max * ScanFactor), ("perEndpoint", limits.PerEndpoint),
                    ("blocked", limits.Blocked.ToArray()), ("roomIds", limits.Room.Keys.ToArray()), ("roomCounts", limits.Room.Values.ToArray()),
                    ("node", settings.NodeName),
                    ("leaseUntil", (limits.Now + settings.LeaseDuration).ToUniversalTime())),
            },
        };
        var claimed = new List<ClaimedDelivery>(limits.Max);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct); // past the lock's row
            while (await reader.ReadAsync(ct))
                claimed.Add(ReadClaimed(reader, settings.NodeName));
        }
        catch (Exception e)
        {
            space.Failed(e); // a full disk is said once
            throw;
        }
        return claimed;
    }

    /// <inheritdoc />
    public async Task<RecordedAttempt> RecordAttemptAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await store.Relaxed.OpenConnectionAsync(ct);
            await using var batch = new NpgsqlBatch(connection); // one round trip, one implicit transaction
            batch.BatchCommands.Add(Command(PostgresSql.InsertAttempt,
                ("deliveryId", attempt.DeliveryId), ("subscriptionId", attempt.SubscriptionId), ("eventType", attempt.EventType),
                ("number", attempt.Number), ("at", attempt.At.ToUniversalTime()), ("durationMs", attempt.DurationMs), ("succeeded", attempt.Succeeded),
                ("isTest", attempt.IsTest), ("statusCode", attempt.StatusCode), ("failure", attempt.Failure),
                ("requestHeaders", attempt.RequestHeaders), ("responseHeaders", attempt.ResponseHeaders), ("responseBody", attempt.ResponseBody)));
            batch.BatchCommands.Add(Command(PostgresSql.RecordState,
                ("id", delivery.Id), ("token", delivery.ClaimToken), ("state", delivery.State.ToString()), ("attemptCount", delivery.AttemptCount),
                ("nextAttemptAt", delivery.NextAttemptAt?.ToUniversalTime()), ("completedAt", delivery.CompletedAt?.ToUniversalTime()),
                ("subscriptionId", attempt.SubscriptionId), ("at", attempt.At.ToUniversalTime()), ("succeeded", attempt.Succeeded),
                ("failedForGood", delivery.State == DeliveryState.Failed), ("health", !attempt.IsTest)));
            if (!attempt.IsTest)
            {
                var hour = HourlyCount.HourOf(attempt.At).ToUniversalTime();
                batch.BatchCommands.Add(Command(PostgresSql.CountHour,
                    ("subscriptionId", attempt.SubscriptionId), ("hour", hour), ("succeeded", attempt.Succeeded ? 1 : 0),
                    ("failed", delivery.State == DeliveryState.Failed ? 1 : 0)));
                batch.BatchCommands.Add(Command(PostgresSql.CountDuration, ("hour", hour), ("upperMs", HourlyDuration.BucketOf(attempt.DurationMs))));
            }
            if (delivery.State is DeliveryState.Retrying or DeliveryState.Pending)
                batch.BatchCommands.Add(Notify(PostgresSql.WorkChannel)); // every node's timer learns of the retry

            long id;
            var recorded = new RecordedAttempt(0, true, null);
            await using (var reader = await batch.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                id = reader.GetInt64(0);
                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                if (!reader.IsDBNull(1))
                    recorded = recorded with
                    {
                        SubscriptionEnabled = reader.GetBoolean(1),
                        FailureStreakSince = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    };
                while (await reader.NextResultAsync(ct)) { } // the rest, so the batch completes (and commits) here
            }
            space.Wrote();
            return recorded with { AttemptId = id };
        }
        catch (Exception e)
        {
            space.Failed(e);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task SaveStateAsync(WebhookDelivery delivery, CancellationToken ct = default)
    {
        await using var connection = await store.Relaxed.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command(PostgresSql.UpdateState,
                    ("id", delivery.Id), ("token", delivery.ClaimToken), ("state", delivery.State.ToString()), ("attemptCount", delivery.AttemptCount),
                    ("nextAttemptAt", delivery.NextAttemptAt?.ToUniversalTime()), ("completedAt", delivery.CompletedAt?.ToUniversalTime())),
            },
        };
        if (delivery.State is DeliveryState.Pending or DeliveryState.Retrying)
            batch.BatchCommands.Add(Notify(PostgresSql.WorkChannel)); // released: another node may take it now
        try
        {
            await batch.ExecuteNonQueryAsync(ct); // one implicit transaction
        }
        catch (Exception e)
        {
            space.Failed(e);
            throw;
        }
    }

    private static ClaimedDelivery ReadClaimed(NpgsqlDataReader r, string node)
    {
        var delivery = new WebhookDelivery
        {
            Id = r.GetGuid(0),
            MessageId = r.GetString(1),
            EventId = r.GetString(2),
            EventType = r.GetString(3),
            SubscriptionId = r.GetGuid(4),
            Body = r.GetFieldValue<byte[]>(5),
            State = DeliveryState.Sending,
            AttemptCount = r.GetInt32(6),
            ScheduleStart = r.GetInt32(7),
            ReplayId = r.IsDBNull(8) ? null : r.GetGuid(8),
            CreatedAt = r.GetFieldValue<DateTimeOffset>(9),
            IsTest = r.GetBoolean(10),
            TraceParent = r.IsDBNull(13) ? null : r.GetString(13),
            ClaimedBy = node,
            ClaimToken = r.GetGuid(14),
        };
        SubscriptionVersion? version = r.IsDBNull(11) ? null
            : new SubscriptionVersion(r.GetFieldValue<DateTimeOffset>(11), r.GetBoolean(12));
        return new ClaimedDelivery(delivery, version);
    }

    private static NpgsqlBatchCommand Notify(string channel) => Command(PostgresSql.Notify, ("channel", channel), ("payload", ""));

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.Add(value switch
            {
                // typed, so a null still tells PostgreSQL what it is
                null => new NpgsqlParameter(name, DBNull.Value),
                Guid[] ids => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids },
                int[] counts => new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = counts },
                _ => new NpgsqlParameter(name, value),
            });
        return command;
    }
}
