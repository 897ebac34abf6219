using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
            await writer.WriteAsync(db =>
            {
                var s = For(db);
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
                return Task.CompletedTask;
            }, flush: true, ct);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: the primary key of Events
        {
            throw new DuplicateEventException(e);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(ClaimLimits limits, CancellationToken ct = default) =>
        writer.WriteAsync<IReadOnlyList<ClaimedDelivery>>(db =>
        {
            var s = For(db);
            var claim = s.ClaimDue;
            claim.Parameters["$now"].Value = limits.Now.UtcTicks;
            claim.Parameters["$max"].Value = limits.Max;
            claim.Parameters["$scan"].Value = limits.Max * ScanFactor;
            claim.Parameters["$perEndpoint"].Value = limits.PerEndpoint;
            claim.Parameters["$blocked"].Value = JsonSerializer.Serialize(limits.Blocked.Select(Text));
            claim.Parameters["$room"].Value = JsonSerializer.Serialize(limits.Room.ToDictionary(r => Text(r.Key), r => r.Value));
            var claimed = new List<ClaimedDelivery>(limits.Max);
            using (var reader = claim.ExecuteReader())
            {
                while (reader.Read())
                    claimed.Add(ReadClaimed(reader));
            }
            return Task.FromResult<IReadOnlyList<ClaimedDelivery>>(claimed);
        }, flush: false, ct);

    /// <inheritdoc />
    public Task<RecordedAttempt> RecordAttemptAsync(DeliveryAttempt attempt, WebhookDelivery delivery, CancellationToken ct = default) =>
        writer.WriteAsync(db =>
        {
            var s = For(db);
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
                return Task.FromResult(recorded);

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
            return Task.FromResult(recorded);
        }, flush: false, ct);

    /// <inheritdoc />
    public Task SaveStateAsync(WebhookDelivery delivery, CancellationToken ct = default) =>
        writer.WriteAsync(db =>
        {
            UpdateState(For(db), delivery);
            return Task.CompletedTask;
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

    private static ClaimedDelivery ReadClaimed(SqliteDataReader r)
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
            CreatedAt = new DateTimeOffset(r.GetInt64(9), TimeSpan.Zero),
            IsTest = r.GetBoolean(10),
            TraceParent = r.IsDBNull(13) ? null : r.GetString(13),
        };
        SubscriptionVersion? version = r.IsDBNull(11) ? null
            : new SubscriptionVersion(new DateTimeOffset(r.GetInt64(11), TimeSpan.Zero), r.GetBoolean(12));
        return new ClaimedDelivery(delivery, version);
    }

    /// <summary>The statements, prepared on the writer's connection (again if it has a new one) and enlisted in its transaction.</summary>
    private Statements For(ConsoleDbContext db)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        if (_statements?.Connection != connection)
        {
            _statements?.Dispose();
            _statements = new Statements(connection);
        }
        _statements.Enlist(transaction);
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
            ClaimDue = Prepare(DeliverySql.ClaimDue, "$now", "$max", "$scan", "$perEndpoint", "$blocked", "$room");
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
        public SqliteCommand ClaimDue { get; }
        public SqliteCommand InsertAttempt { get; }
        public SqliteCommand UpdateState { get; }
        public SqliteCommand RecordHealth { get; }
        public SqliteCommand CountHour { get; }
        public SqliteCommand CountDuration { get; }
        public SqliteCommand InsertEvent { get; }
        public SqliteCommand InsertDelivery { get; }

        private IEnumerable<SqliteCommand> All => [ClaimDue, InsertAttempt, UpdateState, RecordHealth, CountHour, CountDuration, InsertEvent, InsertDelivery];

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
