using System.Diagnostics;
using Microsoft.Data.Sqlite;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Health;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>First-page times of the delivery log query in ms: each filter's median over repeated calls, and its first call.</summary>
public sealed record LogPageResult(int Attempts, IReadOnlyList<(string Filter, double FirstMs, double MedianMs, int Total)> Queries, double ChartMs,
    double OverviewMs)
{
    /// <summary>The slowest filter's median: the figure held against the target.</summary>
    public double WorstMs => Queries.Max(q => q.MedianMs);
}

/// <summary>
/// The delivery log at a million attempts: the store is filled with raw SQL (20 webhooks, the catalog's event types, 5 % failed,
/// all in the last 24 hours: a busy day, the worst case for the time filter and the webhooks page's 24-hour chart), then the first
/// page (25 rows, as the log page asks) is read through <see cref="DeliveryLog.QueryAttemptsAsync"/> unfiltered and with the
/// filters the log page offers, and the chart's <see cref="DeliveryLog.SuccessRatesAsync"/> is timed.
/// </summary>
public static class LogPageScenario
{
    private const int PageSize = 25;
    private const int Repeats = 5;

    public static async Task<LogPageResult> RunAsync(BenchSettings settings)
    {
        await using var engine = await BenchEngine.CreateAsync();
        var webhooks = await engine.CreateWebhooksAsync(20, "http://127.0.0.1:9/", ThroughputScenario.EventType);
        var types = engine.Get<EventCatalog>().All.Select(t => t.Type).ToArray();
        var now = DateTimeOffset.UtcNow;
        var filling = Stopwatch.StartNew();
        await FillAsync(engine.DatabasePath, settings.LogAttempts, webhooks, types, now);
        Console.WriteLine($"log page: {settings.LogAttempts:N0} attempts stored in {filling.Elapsed.TotalSeconds:0.0} s " +
                          $"({new FileInfo(engine.DatabasePath).Length / 1024 / 1024:N0} MB); first page of {PageSize}, median of {Repeats} after a first call");

        var log = engine.Get<DeliveryLog>();
        var webhook = webhooks[3];
        var type = types[5];
        var filters = new (string Name, AttemptFilter Filter)[]
        {
            ("unfiltered", new AttemptFilter()),
            ("one webhook", new AttemptFilter(SubscriptionId: webhook)),
            ("failed", new AttemptFilter(Succeeded: false)),
            ("event type", new AttemptFilter(EventType: type)),
            ("last hour", new AttemptFilter(From: now - TimeSpan.FromHours(1))),
            ("webhook+failed", new AttemptFilter(SubscriptionId: webhook, Succeeded: false)),
            ("webhook+failed+type", new AttemptFilter(SubscriptionId: webhook, Succeeded: false, EventType: type)),
            ("webhook+failed+hour", new AttemptFilter(SubscriptionId: webhook, Succeeded: false, From: now - TimeSpan.FromHours(1))),
        };
        SqliteConnection.ClearAllPools();
        var results = new List<(string, double, double, int)>();
        foreach (var (name, filter) in filters)
        {
            var times = new List<double>();
            AttemptPage? page = null;
            for (var i = 0; i <= Repeats; i++)
            {
                var start = Stopwatch.GetTimestamp();
                page = await log.QueryAttemptsAsync(filter, 0, PageSize);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            if (page!.Items.Count == 0)
                throw new InvalidOperationException($"The '{name}' filter found nothing; the fill is wrong.");
            var median = Stats.Median(times.Skip(1));
            results.Add((name, times[0], median, page.Total));
            Console.WriteLine($"  {name,-20} {Stats.F(median, "0.0"),7} ms (first call {Stats.F(times[0], "0.0")} ms), " +
                              $"{(page.MoreThanLimit ? $"{page.Total:N0}+" : page.Total.ToString("N0"))} matching");
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var chartTimes = new List<double>();
        IReadOnlyDictionary<Guid, HourlyRate[]>? rates = null;
        for (var i = 0; i <= Repeats; i++)
        {
            var chart = Stopwatch.StartNew();
            rates = await log.SuccessRatesAsync(DateTimeOffset.UtcNow);
            chartTimes.Add(chart.Elapsed.TotalMilliseconds);
        }
        var chartMs = Stats.Median(chartTimes.Skip(1));
        Console.WriteLine($"  webhooks page, 24 h success chart: {chartMs:0.0} ms (first call {chartTimes[0]:0.0} ms) for " +
                          $"{rates!.Values.Sum(r => r.Sum(h => h.Attempts)):N0} attempts, from the hourly counters; " +
                          $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / 1024 / (Repeats + 1):0.0} MB allocated a call");
        // The Overview reads everything it shows at once (24 h figures, backlog, troubled webhooks, inbound, action calls).
        var health = engine.Get<ConsoleHealth>();
        var overviewTimes = new List<double>();
        HealthSnapshot? snapshot = null;
        for (var i = 0; i <= Repeats; i++)
        {
            var overview = Stopwatch.StartNew();
            snapshot = await health.ReadAsync();
            overviewTimes.Add(overview.Elapsed.TotalMilliseconds);
        }
        var overviewMs = Stats.Median(overviewTimes.Skip(1));
        Console.WriteLine($"  overview: {overviewMs:0.0} ms (first call {overviewTimes[0]:0.0} ms) for {snapshot!.Attempts.Count:N0} attempts, " +
                          $"{snapshot.Attempts.SuccessRate:0.0} % succeeded, p50 {snapshot.Attempts.P50Ms} ms, p95 {snapshot.Attempts.P95Ms} ms, from the hourly counters");
        return new LogPageResult(settings.LogAttempts, results, chartMs, overviewMs);
    }

    /// <summary>Bulk insert in large transactions with one prepared statement; oldest first, as the engine writes them.</summary>
    private static async Task FillAsync(string databasePath, int attempts, IReadOnlyList<Guid> webhooks, string[] types, DateTimeOffset now)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        // Ids as the store writes them (EF Core stores a Guid as upper-case text).
        var webhookIds = new string[webhooks.Count];
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT Id FROM Subscriptions";
            await using var reader = await read.ExecuteReaderAsync();
            var k = 0;
            while (await reader.ReadAsync())
                webhookIds[k++] = reader.GetString(0);
        }
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-16000;"; // this connection only: the fill is not what is measured
            await pragma.ExecuteNonQueryAsync();
        }
        const string requestHeaders = """{"User-Agent":"WebhookConsole/1.0","X-Webhook-Signature":"••••••••","webhook-id":"msg_0f8fad5bd9cb469fa16570867728950e","webhook-timestamp":"1763781000","webhook-signature":"••••••••","Content-Type":"application/json; charset=utf-8","Content-Length":"1024"}""";
        const string responseHeaders = """{"Date":"Sat, 22 Nov 2025 03:10:00 GMT","Server":"Kestrel","Content-Length":"11","Content-Type":"application/json"}""";
        var random = new Random(7);
        var span = TimeSpan.FromHours(23.9).Ticks;
        var start = now.UtcTicks - span;
        const int batch = 50_000;
        for (var done = 0; done < attempts; done += batch)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO DeliveryAttempts (DeliveryId, SubscriptionId, EventType, Number, At, DurationMs, Succeeded, IsTest, StatusCode, Failure, RequestHeaders, ResponseHeaders, ResponseBody)
                VALUES ($delivery, $webhook, $type, $number, $at, $duration, $ok, 0, $status, $failure, $request, $responseHeaders, $body)
                """;
            var p = new[] { "$delivery", "$webhook", "$type", "$number", "$at", "$duration", "$ok", "$status", "$failure", "$request", "$responseHeaders", "$body" }
                .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            await insert.PrepareAsync();
            for (var i = done; i < Math.Min(attempts, done + batch); i++)
            {
                var ok = random.Next(100) >= 5;
                p[0].Value = Guid.NewGuid().ToString().ToUpperInvariant();
                p[1].Value = webhookIds[random.Next(webhookIds.Length)];
                p[2].Value = types[random.Next(types.Length)];
                p[3].Value = ok ? 1 : random.Next(1, 4);
                p[4].Value = start + span / attempts * i;
                p[5].Value = random.Next(5, 400);
                p[6].Value = ok ? 1 : 0;
                p[7].Value = ok ? 200 : 500;
                p[8].Value = ok ? DBNull.Value : "HTTP 500 Internal Server Error";
                p[9].Value = requestHeaders;
                p[10].Value = responseHeaders;
                p[11].Value = ok ? """{"ok":true}""" : """{"error":"upstream unavailable"}""";
                await insert.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
        // The hourly counters as the engine's attempt records would have left them (the same sum the upgrade migration does).
        await using (var counters = connection.CreateCommand())
        {
            counters.CommandText = """
                INSERT INTO HourlyCounts (SubscriptionId, Hour, Attempts, Succeeded, Failed)
                SELECT SubscriptionId, At - At % 36000000000, COUNT(*), SUM(Succeeded), 0 FROM DeliveryAttempts WHERE IsTest = 0
                GROUP BY SubscriptionId, At - At % 36000000000
                """;
            await counters.ExecuteNonQueryAsync();
        }
        await using (var durations = connection.CreateCommand())
        {
            // The duration buckets, summed in C# as HourlyDuration.BucketOf would have counted each attempt.
            durations.CommandText = "SELECT At - At % 36000000000, DurationMs, COUNT(*) FROM DeliveryAttempts WHERE IsTest = 0 GROUP BY 1, 2";
            var buckets = new Dictionary<(long Hour, int UpperMs), int>();
            await using (var reader = await durations.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                {
                    var key = (reader.GetInt64(0), HourlyDuration.BucketOf(reader.GetInt32(1)));
                    buckets[key] = buckets.GetValueOrDefault(key) + reader.GetInt32(2);
                }
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO HourlyDurations (Hour, UpperMs, Count) VALUES ($hour, $upper, $count)";
            var (hour, upper, count) = (insert.Parameters.Add("$hour", SqliteType.Integer), insert.Parameters.Add("$upper", SqliteType.Integer),
                insert.Parameters.Add("$count", SqliteType.Integer));
            foreach (var ((h, u), c) in buckets)
            {
                (hour.Value, upper.Value, count.Value) = (h, u, c);
                await insert.ExecuteNonQueryAsync();
            }
        }
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
    }
}
