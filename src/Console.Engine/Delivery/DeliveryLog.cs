using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Which attempts the delivery log shows.</summary>
public sealed record AttemptFilter(
    Guid? SubscriptionId = null, bool? Succeeded = null, string? EventType = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>One page of the log. <see cref="Total"/> stops counting at <see cref="DeliveryLog.CountLimit"/> (then <see cref="MoreThanLimit"/>).</summary>
public sealed record AttemptPage(IReadOnlyList<DeliveryAttempt> Items, int Total, bool MoreThanLimit);

/// <summary>An attempt with the delivery it belongs to, for the detail panel.</summary>
public sealed record AttemptDetail(DeliveryAttempt Attempt, WebhookDelivery Delivery, string? SubscriptionName, string? Url);

/// <summary>A delivery with its attempts, as the API lists them.</summary>
public sealed record DeliveryWithAttempts(WebhookDelivery Delivery, IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>Reads the delivery log, paged in the store (indexed newest-first) so it stays fast at millions of rows.</summary>
public sealed class DeliveryLog(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    /// <summary>Counting a filtered log of millions is slow; beyond this the page says "10,000+".</summary>
    public const int CountLimit = 10_000;

    /// <summary>Attempts newest first.</summary>
    public async Task<AttemptPage> QueryAttemptsAsync(AttemptFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.DeliveryAttempts.AsNoTracking();
        if (filter.SubscriptionId is { } subscription) query = query.Where(a => a.SubscriptionId == subscription);
        if (filter.Succeeded is { } succeeded) query = query.Where(a => a.Succeeded == succeeded);
        if (!string.IsNullOrEmpty(filter.EventType)) query = query.Where(a => a.EventType == filter.EventType);
        if (filter.From is { } from) query = query.Where(a => a.At >= from);
        if (filter.To is { } to) query = query.Where(a => a.At <= to);
        var counted = await query.Take(CountLimit + 1).CountAsync(ct);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new AttemptPage(items, Math.Min(counted, CountLimit), counted > CountLimit);
    }

    /// <summary>One attempt with its delivery (request body, webhook-id, state).</summary>
    public async Task<AttemptDetail?> GetAttemptAsync(long attemptId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attempt = await db.DeliveryAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attemptId, ct);
        if (attempt is null)
            return null;
        var delivery = await db.Deliveries.AsNoTracking().FirstAsync(d => d.Id == attempt.DeliveryId, ct);
        var subscription = await db.Subscriptions.AsNoTracking().Where(s => s.Id == attempt.SubscriptionId)
            .Select(s => new { s.Name, s.Url }).FirstOrDefaultAsync(ct);
        return new AttemptDetail(attempt, delivery, subscription?.Name, subscription?.Url);
    }

    /// <summary>A subscription's deliveries newest first, each with its attempts.</summary>
    public async Task<IReadOnlyList<DeliveryWithAttempts>> QueryDeliveriesAsync(Guid subscriptionId, DeliveryState? state, string? eventType,
        int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Deliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId);
        if (state is { } s) query = query.Where(d => d.State == s);
        if (!string.IsNullOrEmpty(eventType)) query = query.Where(d => d.EventType == eventType);
        var deliveries = await query.OrderByDescending(d => d.CreatedAt).Skip(skip).Take(take).ToListAsync(ct);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.DeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => new DeliveryWithAttempts(d, attempts[d.Id].OrderBy(a => a.Number).ToList())).ToList();
    }

    /// <summary>How many deliveries <see cref="QueryDeliveriesAsync"/> would page through, counted up to <see cref="CountLimit"/> + 1.</summary>
    public async Task<int> CountDeliveriesAsync(Guid subscriptionId, DeliveryState? state, string? eventType, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Deliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId);
        if (state is { } s) query = query.Where(d => d.State == s);
        if (!string.IsNullOrEmpty(eventType)) query = query.Where(d => d.EventType == eventType);
        return await query.Take(CountLimit + 1).CountAsync(ct);
    }

    /// <summary>One delivery with its attempts, or null.</summary>
    public async Task<DeliveryWithAttempts?> GetDeliveryAsync(Guid deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null)
            return null;
        var attempts = await db.DeliveryAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Number).ToListAsync(ct);
        return new DeliveryWithAttempts(delivery, attempts);
    }

    /// <summary>
    /// Per subscription, attempts and successes in the last 24 clock hours (UTC; the newest is the hour <paramref name="now"/> is
    /// in), oldest first. Read from the hourly counters the attempt records keep, so it costs 24 rows per webhook at any volume.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, HourlyRate[]>> SuccessRatesAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var first = HourlyCount.HourOf(now) - TimeSpan.FromHours(23);
        var rows = await HoursSinceAsync(first, ct);
        return rows.GroupBy(c => c.SubscriptionId).ToDictionary(g => g.Key, g =>
        {
            var hours = Enumerable.Range(0, 24).Select(i => new HourlyRate(first + TimeSpan.FromHours(i), 0, 0)).ToArray();
            foreach (var c in g)
                hours[(int)((c.Hour - first).Ticks / TimeSpan.TicksPerHour)] = new HourlyRate(c.Hour, c.Attempts, c.Succeeded);
            return hours;
        });
    }

    private async Task<List<HourlyCount>> HoursSinceAsync(DateTimeOffset first, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<HourlyCount>().AsNoTracking().Where(c => c.Hour >= first).ToListAsync(ct);
    }
}

/// <summary>Attempts and successes in one hour.</summary>
public sealed record HourlyRate(DateTimeOffset Hour, int Attempts, int Succeeded)
{
    /// <summary>Success rate in percent, or null when nothing was attempted.</summary>
    public double? Percent => Attempts == 0 ? null : 100.0 * Succeeded / Attempts;
}
