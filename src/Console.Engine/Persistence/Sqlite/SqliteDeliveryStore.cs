using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Engine.Persistence.Sqlite;

/// <summary>
/// <see cref="IDeliveryStore"/> on SQLite: the statements of <see cref="DeliverySql"/>, prepared once on the
/// <see cref="StoreWriter"/>'s connection and run inside its group commit, so claims and attempts share transactions and fsyncs
/// with every other write, and nothing here goes through EF Core's change tracker.
/// </summary>
public sealed class SqliteDeliveryStore(StoreWriter writer) : IDeliveryStore
{
    /// <summary>How many due rows of each state one claim looks at, per delivery it may take (the rest are over an endpoint's room).</summary>
    private const int ScanFactor = 4;

    // Only the writer's loop uses these, one write at a time, so they need no lock.
    private Statements? _statements;

    /// <inheritdoc />
    public async Task EnqueueAsync(IReadOnlyList<EventRecord> events, IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct = default)
    {
        try
        {
            await writer.SqlAsync(batch =>
            {
                var s = For(batch);
                foreach (var e in events)
                {
                    var insert = s.InsertEvent;
                    Set(insert, "$id", e.Id);
                    Set(insert, "$type", e.Type);
                    Set(insert, "$data", e.Data);
                    Set(insert, "$occurredAt", e.OccurredAt.UtcTicks);
                    Set(insert, "$receivedAt", e.ReceivedAt.UtcTicks);
                    Set(insert, "$deliveryCount", e.DeliveryCount);
                    insert.ExecuteNonQuery();
                }
                foreach (var d in deliveries)
                {
                    var insert = s.InsertDelivery;
                    Set(insert, "$id", Text(d.Id));
                    Set(insert, "$messageId", d.MessageId);
                    Set(insert, "$eventId", d.EventId);
                    Set(insert, "$eventType", d.EventType);
                    Set(insert, "$subscriptionId", Text(d.SubscriptionId));
                    Set(insert, "$body", d.Body);
                    Set(insert, "$state", d.State.ToString());
                    Set(insert, "$nextAttemptAt", d.NextAttemptAt?.UtcTicks);
                    Set(insert, "$createdAt", d.CreatedAt.UtcTicks);
                    Set(insert, "$isTest", d.IsTest);
                    Set(insert, "$traceParent", d.TraceParent);
                    insert.ExecuteNonQuery();
                }
                return true;
            }, flush: true, ct);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: the primary key of Events
        {
            throw new DuplicateEventException(e);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Three prepared statements in one write: the due keys of each state (<see cref="DeliverySql.ScanDue"/>), the limits of the
    /// endpoints among them, and the chosen rows moved to Sending one by one. Choosing in code, not in one statement with a window
    /// over the rows, costs a quarter as much for a claim of a dozen.
    /// </remarks>
    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(ClaimLimits limits, CancellationToken ct = default) =>
        writer.SqlAsync<IReadOnlyList<ClaimedDelivery>>(batch =>
        {
            var s = For(batch);
            var blocked = JsonSerializer.Serialize(limits.Blocked.Select(Text));
            var due = Scan(s.ScanDue, "Pending", limits, blocked);
            due.AddRange(Scan(s.ScanDue, "Retrying", limits, blocked));
            due.Sort((a, b) => a.NextAttemptAt.CompareTo(b.NextAttemptAt));

            var endpoints = new Dictionary<string, Endpoint>();
            var claimed = new List<ClaimedDelivery>(limits.Max);
            foreach (var (rowid, subscriptionId, _) in due)
            {
                if (claimed.Count == limits.Max)
                    break;
                if (!endpoints.TryGetValue(subscriptionId, out var endpoint))
                    endpoints[subscriptionId] = endpoint = ReadEndpoint(s.SubscriptionLimits, subscriptionId, limits);
                if (endpoint.Taken >= endpoint.Room)
                    continue;
                var claim = s.ClaimRow;
                claim.Parameters["$rowid"].Value = rowid;
                using var reader = claim.ExecuteReader();
                if (!reader.Read())
                    continue;
                endpoint.Taken++;
                claimed.Add(new ClaimedDelivery(ReadClaimed(reader), endpoint.Version));
            }
            return claimed;
        }, flush: false, ct);

    private static List<(long RowId, string SubscriptionId, long NextAttemptAt)> Scan(SqliteCommand scan, string state, ClaimLimits limits, string blocked)
    {
        scan.Parameters["$state"].Value = state;
        scan.Parameters["$now"].Value = limits.Now.UtcTicks;
        scan.Parameters["$scan"].Value = limits.Max * ScanFactor;
        scan.Parameters["$blocked"].Value = blocked;
        var rows = new List<(long, string, long)>();
        using var reader = scan.ExecuteReader();
        while (reader.Read())
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        return rows;
    }

    /// <summary>
    /// How many of an endpoint's deliveries a claim may take: what the gate says is left, else its own concurrency limit (or the
    /// default), one when it is rate-limited; a deleted subscription's deliveries are taken (to be cancelled) like the default.
    /// </summary>
    private static Endpoint ReadEndpoint(SqliteCommand read, string subscriptionId, ClaimLimits limits)
    {
        read.Parameters["$id"].Value = subscriptionId;
        using var reader = read.ExecuteReader();
        int? maxConcurrency = null, ratePerSecond = null;
        SubscriptionVersion? version = null;
        if (reader.Read())
        {
            maxConcurrency = reader.IsDBNull(0) ? null : reader.GetInt32(0);
            ratePerSecond = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            version = new SubscriptionVersion(new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), reader.GetBoolean(3));
        }
        var room = limits.Room.TryGetValue(Guid.Parse(subscriptionId), out var left) ? left
            : Math.Min(maxConcurrency ?? limits.PerEndpoint, ratePerSecond > 0 ? 1 : limits.PerEndpoint);
        return new Endpoint(room, version);
    }

    private sealed class Endpoint(int room, SubscriptionVersion? version)
    {
        public int Room { get; } = room;
        public SubscriptionVersion? Version { get; } = version;
        public int Taken { get; set; }
    }

    /// <inheritdoc />
    public Task<RecordedAttempt> RecordAttemptAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct = default) =>
        writer.SqlAsync(batch =>
        {
            var s = For(batch);
            var insert = s.InsertAttempt;
            Set(insert, "$deliveryId", Text(attempt.DeliveryId));
            Set(insert, "$subscriptionId", Text(attempt.SubscriptionId));
            Set(insert, "$eventType", attempt.EventType);
            Set(insert, "$number", attempt.Number);
            Set(insert, "$at", attempt.At.UtcTicks);
            Set(insert, "$durationMs", attempt.DurationMs);
            Set(insert, "$succeeded", attempt.Succeeded);
            Set(insert, "$isTest", attempt.IsTest);
            Set(insert, "$statusCode", attempt.StatusCode);
            Set(insert, "$failure", attempt.Failure);
            Set(insert, "$requestHeaders", attempt.RequestHeaders);
            Set(insert, "$responseHeaders", attempt.ResponseHeaders);
            Set(insert, "$responseBody", attempt.ResponseBody);
            var id = (long)insert.ExecuteScalar()!;
            UpdateState(s, delivery);
            var recorded = new RecordedAttempt(id, true, null);
            if (attempt.IsTest)
                return recorded;

            var health = s.RecordHealth;
            Set(health, "$id", Text(attempt.SubscriptionId));
            Set(health, "$now", attempt.At.UtcTicks);
            Set(health, "$succeeded", attempt.Succeeded);
            Set(health, "$failedForGood", delivery.State == DeliveryState.Failed);
            using (var reader = health.ExecuteReader())
            {
                if (reader.Read())
                    recorded = recorded with
                    {
                        SubscriptionEnabled = reader.GetBoolean(0),
                        FailureStreakSince = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero),
                    };
            }
            var hour = s.CountHour;
            Set(hour, "$subscriptionId", Text(attempt.SubscriptionId));
            Set(hour, "$hour", HourlyCount.HourOf(attempt.At).UtcTicks);
            Set(hour, "$succeeded", attempt.Succeeded ? 1 : 0);
            Set(hour, "$failed", delivery.State == DeliveryState.Failed ? 1 : 0);
            hour.ExecuteNonQuery();
            var duration = s.CountDuration;
            Set(duration, "$hour", HourlyCount.HourOf(attempt.At).UtcTicks);
            Set(duration, "$upperMs", HourlyDuration.BucketOf(attempt.DurationMs));
            duration.ExecuteNonQuery();
            return recorded;
        }, flush: false, ct);

    /// <inheritdoc />
    public Task SaveStateAsync(WebhookDelivery delivery, CancellationToken ct = default) =>
        writer.SqlAsync(batch =>
        {
            UpdateState(For(batch), delivery);
            return true;
        }, flush: false, ct);

    private static void UpdateState(Statements s, WebhookDelivery delivery)
    {
        var update = s.UpdateState;
        Set(update, "$id", Text(delivery.Id));
        Set(update, "$state", delivery.State.ToString());
        Set(update, "$attemptCount", delivery.AttemptCount);
        Set(update, "$nextAttemptAt", delivery.NextAttemptAt?.UtcTicks);
        Set(update, "$completedAt", delivery.CompletedAt?.UtcTicks);
        update.ExecuteNonQuery();
    }

    private static WebhookDelivery ReadClaimed(SqliteDataReader r) => new()
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
        CreatedAt = new DateTimeOffset(r.GetInt64(9), TimeSpan.Zero),
        IsTest = r.GetBoolean(10),
        TraceParent = r.IsDBNull(11) ? null : r.GetString(11),
    };

    /// <summary>The statements, prepared on the writer's connection (again if it has a new one) and enlisted in its transaction.</summary>
    private Statements For(SqlBatch batch)
    {
        if (_statements?.Connection != batch.Connection)
        {
            _statements?.Dispose();
            _statements = new Statements(batch.Connection);
        }
        _statements.Enlist(batch.Transaction);
        return _statements;
    }

    // EF Core stores a Guid as upper-case text; the same here, or the rows would not match.
    private static string Text(Guid id) => id.ToString("D").ToUpperInvariant();

    private static void Set(SqliteCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    private sealed class Statements : IDisposable
    {
        public Statements(SqliteConnection connection)
        {
            Connection = connection;
            ScanDue = Prepare(DeliverySql.ScanDue, "$state", "$now", "$scan", "$blocked");
            SubscriptionLimits = Prepare(DeliverySql.SubscriptionLimits, "$id");
            ClaimRow = Prepare(DeliverySql.ClaimRow, "$rowid");
            InsertAttempt = Prepare(DeliverySql.InsertAttempt, "$deliveryId", "$subscriptionId", "$eventType", "$number", "$at",
                "$durationMs", "$succeeded", "$isTest", "$statusCode", "$failure", "$requestHeaders", "$responseHeaders", "$responseBody");
            UpdateState = Prepare(DeliverySql.UpdateState, "$id", "$state", "$attemptCount", "$nextAttemptAt", "$completedAt");
            RecordHealth = Prepare(DeliverySql.RecordHealth, "$id", "$now", "$succeeded", "$failedForGood");
            CountHour = Prepare(DeliverySql.CountHour, "$subscriptionId", "$hour", "$succeeded", "$failed");
            CountDuration = Prepare(DeliverySql.CountDuration, "$hour", "$upperMs");
            InsertEvent = Prepare(DeliverySql.InsertEvent, "$id", "$type", "$data", "$occurredAt", "$receivedAt", "$deliveryCount");
            InsertDelivery = Prepare(DeliverySql.InsertDelivery, "$id", "$messageId", "$eventId", "$eventType", "$subscriptionId", "$body",
                "$state", "$nextAttemptAt", "$createdAt", "$isTest", "$traceParent");
        }

        public SqliteConnection Connection { get; }
        public SqliteCommand ScanDue { get; }
        public SqliteCommand SubscriptionLimits { get; }
        public SqliteCommand ClaimRow { get; }
        public SqliteCommand InsertAttempt { get; }
        public SqliteCommand UpdateState { get; }
        public SqliteCommand RecordHealth { get; }
        public SqliteCommand CountHour { get; }
        public SqliteCommand CountDuration { get; }
        public SqliteCommand InsertEvent { get; }
        public SqliteCommand InsertDelivery { get; }

        private IEnumerable<SqliteCommand> All => [ScanDue, SubscriptionLimits, ClaimRow, InsertAttempt, UpdateState, RecordHealth, CountHour, CountDuration, InsertEvent, InsertDelivery];

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in All)
                command.Transaction = transaction;
        }

        public void Dispose()
        {
            foreach (var command in All)
                command.Dispose();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            return command; // Microsoft.Data.Sqlite prepares on first run and keeps the statement while the command lives
        }
    }
}
