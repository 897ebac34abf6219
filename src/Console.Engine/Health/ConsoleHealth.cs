using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Engine.Health;

/// <summary>Reads the <see cref="HealthSnapshot"/> an on-call engineer looks at first.</summary>
public sealed class ConsoleHealth(IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Reads the last 24 hours and the backlog as of now.</summary>
    public async Task<HealthSnapshot> ReadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var since = now - TimeSpan.FromHours(24);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (hours, attempts) = await AttemptsAsync(db, now, ct);
        return new HealthSnapshot(now, hours, attempts, await TroubledAsync(db, ct), await BacklogAsync(db, now, ct),
            await InboundAsync(db, since, ct), await ActionCallsAsync(db, since, ct), await FirstRunAsync(db, ct));
    }

    /// <summary>
    /// The last 24 clock hours (UTC; the newest is the hour now is in) from the counters every attempt record keeps: 24 rows per
    /// webhook and at most 24 × 28 duration buckets, whatever a day's volume. p50 and p95 are the bucket bounds they fall in.
    /// </summary>
    private static async Task<(HourOfDeliveries[], AttemptTotals)> AttemptsAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var first = HourlyCount.HourOf(now) - TimeSpan.FromHours(23);
        var counts = await db.Set<HourlyCount>().AsNoTracking().Where(c => c.Hour >= first).ToListAsync(ct);
        var durations = await db.Set<HourlyDuration>().AsNoTracking().Where(d => d.Hour >= first)
            .Select(d => new { d.UpperMs, d.Count }).ToListAsync(ct);
        var byHour = counts.ToLookup(c => c.Hour);
        var hours = Enumerable.Range(0, 24).Select(i => first + TimeSpan.FromHours(i))
            .Select(h => new HourOfDeliveries(h, byHour[h].Sum(c => c.Succeeded), byHour[h].Sum(c => c.Retried), byHour[h].Sum(c => c.Failed)))
            .ToArray();
        var histogram = durations.Select(d => (d.UpperMs, d.Count)).ToList();
        return (hours, new AttemptTotals(counts.Sum(c => c.Attempts), counts.Sum(c => c.Succeeded),
            HourlyDuration.Percentile(histogram, 0.50), HourlyDuration.Percentile(histogram, 0.95)));
    }

    private static async Task<IReadOnlyList<WebhookTrouble>> TroubledAsync(ConsoleDbContext db, CancellationToken ct)
    {
        var troubled = await db.Subscriptions.AsNoTracking().Where(s => !s.Enabled || s.FailingSince != null).ToListAsync(ct);
        return troubled.Select(s => new WebhookTrouble(s.Id, s.Name, !s.Enabled,
                !s.Enabled ? s.DisabledReason ?? "Turned off by a person: no events are sent."
                           : "A delivery failed after every retry; the next success clears this.",
                s.Enabled ? s.FailingSince : null))
            .OrderByDescending(t => t.Disabled).ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static async Task<Backlog> BacklogAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = db.Deliveries.AsNoTracking().Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying);
        var pending = await waiting.CountAsync(d => d.State == DeliveryState.Pending, ct);
        var retrying = await waiting.CountAsync(d => d.State == DeliveryState.Retrying, ct);
        // Due: a pending delivery is due from its creation, a retrying one from its next attempt (both on the (State, NextAttemptAt) index).
        var oldestPending = await waiting.Where(d => d.State == DeliveryState.Pending && (d.NextAttemptAt == null || d.NextAttemptAt <= now))
            .OrderBy(d => d.CreatedAt).Select(d => (DateTimeOffset?)d.CreatedAt).FirstOrDefaultAsync(ct);
        var oldestRetry = await waiting.Where(d => d.State == DeliveryState.Retrying && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Select(d => d.NextAttemptAt).FirstOrDefaultAsync(ct);
        var oldest = new[] { oldestPending, oldestRetry }.Where(t => t is not null).Min();
        return new Backlog(pending, retrying, oldest is { } t ? now - t : null);
    }

    private static async Task<InboundTotals> InboundAsync(ConsoleDbContext db, DateTimeOffset since, CancellationToken ct)
    {
        var recent = db.Set<InboundRequest>().AsNoTracking().Where(r => r.ReceivedAt > since);
        var last = await db.Set<InboundRequest>().AsNoTracking().OrderByDescending(r => r.ReceivedAt)
            .Select(r => (DateTimeOffset?)r.ReceivedAt).FirstOrDefaultAsync(ct);
        return new InboundTotals(await recent.CountAsync(ct), await recent.CountAsync(r => r.Status >= 400, ct), last);
    }

    private static async Task<ActionCallTotals> ActionCallsAsync(ConsoleDbContext db, DateTimeOffset since, CancellationToken ct)
    {
        var recent = db.Set<SessionLogEntry>().AsNoTracking().Where(e => e.At > since);
        return new ActionCallTotals(await recent.CountAsync(ct),
            await recent.CountAsync(e => !e.Sent || e.StatusCode == null || e.StatusCode < 200 || e.StatusCode > 299, ct));
    }

    private static async Task<FirstRun> FirstRunAsync(ConsoleDbContext db, CancellationToken ct) => new(
        await db.Subscriptions.AnyAsync(ct),
        await db.DeliveryAttempts.AnyAsync(a => a.IsTest, ct),
        await db.Deliveries.AnyAsync(d => !d.IsTest, ct),
        await db.DeliveryAttempts.AnyAsync(a => !a.IsTest && a.Succeeded, ct));
}
