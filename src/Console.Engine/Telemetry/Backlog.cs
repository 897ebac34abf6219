using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Telemetry;

/// <summary>What waits to be sent, as the store says now.</summary>
/// <param name="OldestDueAge">How long the oldest delivery that is due has waited past its time; zero when none is due.</param>
public sealed record BacklogSnapshot(int Pending, int Retrying, TimeSpan OldestDueAge, int Healthy, int Failing, int Disabled);

/// <summary>Reads the backlog and the webhooks' health from the store, for the gauges and for <c>/health/ready</c>.</summary>
public sealed class Backlog(IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time)
{
    private readonly Lock _gate = new();
    private (BacklogSnapshot Value, DateTimeOffset At)? _cached;

    /// <summary>Reads the backlog now (a few indexed queries).</summary>
    public async Task<BacklogSnapshot> ReadAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var states = await db.Deliveries.Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying)
            .GroupBy(d => d.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(ct);
        var oldestDue = await db.Deliveries
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now)
            .MinAsync(d => d.NextAttemptAt, ct);
        var health = await db.Subscriptions.GroupBy(s => new { s.Enabled, Failing = s.FailingSince != null })
            .Select(g => new { g.Key.Enabled, g.Key.Failing, Count = g.Count() }).ToListAsync(ct);
        return new BacklogSnapshot(
            states.Where(s => s.State == DeliveryState.Pending).Sum(s => s.Count),
            states.Where(s => s.State == DeliveryState.Retrying).Sum(s => s.Count),
            oldestDue is { } due && due < now ? now - due : TimeSpan.Zero,
            health.Where(h => h.Enabled && !h.Failing).Sum(h => h.Count),
            health.Where(h => h.Enabled && h.Failing).Sum(h => h.Count),
            health.Where(h => !h.Enabled).Sum(h => h.Count));
    }

    /// <summary>The backlog as read at most a second ago: one scrape collects several gauges from one reading.</summary>
    public BacklogSnapshot Recent()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cached is { } c && now - c.At < TimeSpan.FromSeconds(1))
                return c.Value;
        }
        // Gauge callbacks are synchronous: this holds only the scrape's (or the OTLP reader's) thread, for three indexed queries.
        var value = ReadAsync().GetAwaiter().GetResult();
        lock (_gate)
            _cached = (value, now);
        return value;
    }
}
