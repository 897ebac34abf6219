using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Scheduling;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// Runs in the background: claims deliveries that are due from the store and attempts them — at most
/// <see cref="WebhookEngineOptions.MaxConcurrentAttempts"/> at once, and per endpoint only what <see cref="EndpointGate"/> allows.
/// Waits for Quartz (<see cref="ConsoleScheduler"/>) to wake it when the next retry falls due. On stop, attempts in flight get
/// <see cref="WebhookEngineOptions.ShutdownGrace"/> to finish, then go back to pending.
/// </summary>
public sealed partial class DeliveryDispatcher(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IDeliveryStore store,
    SubscriptionCache cache,
    DeliveryWorker worker,
    DeliverySignal signal,
    EndpointGate gate,
    ConsoleScheduler scheduler,
    IDeliveryObserver observer,
    IOptions<WebhookEngineOptions> options,
    TimeProvider time,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    /// <summary>A safety net: look at the store at least this often even if no wake-up came.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    /// <summary>Deliveries whose attempt crashed (e.g. the store was full) and may still be Sending in the store: they go back to pending.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _stranded = new();
    private readonly CancellationTokenSource _abandon = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = new SemaphoreSlim(options.Value.MaxConcurrentAttempts);
        try
        {
            await RecoverAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!_stranded.IsEmpty)
                        await ReleaseStrandedAsync(stoppingToken);
                    var free = slots.CurrentCount;
                    var claimed = free > 0 ? await ClaimDueAsync(free, stoppingToken) : [];
                    foreach (var (delivery, subscription) in claimed)
                        Run(delivery, subscription, slots);
                    if (claimed.Count == 0)
                        await IdleAsync(slots.CurrentCount > 0, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    if (!Persistence.StoreSpace.IsFull(e)) // a full store is said once, by StoreSpace; the loop only waits for room
                        LogLoopFailed(e);
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { /* stopping */ }
        finally
        {
            await DrainAsync();
        }
    }

    private void Run(WebhookDelivery delivery, WebhookSubscription? subscription, SemaphoreSlim slots)
    {
        slots.Wait(); // never blocks: no more were claimed than there were free slots
        var released = 0;
        void ReleaseSlot() // once the response is in: the endpoint's slot goes to the next attempt while this one is recorded
        {
            if (Interlocked.Exchange(ref released, 1) != 0)
                return;
            gate.Release(delivery.SubscriptionId);
            slots.Release();
            signal.Notify();
        }
        var attempt = new Task<Task>(async () =>
        {
            try { await worker.AttemptAsync(delivery, subscription, _abandon.Token, ReleaseSlot); }
            catch (Exception e)
            {
                // Whatever the attempt got to, the delivery must not stay Sending until the next start.
                _stranded.TryAdd(delivery.Id, 0);
                if (!Persistence.StoreSpace.IsFull(e))
                    LogAttemptCrashed(e, delivery.Id);
            }
            finally
            {
                ReleaseSlot();
                _inFlight.TryRemove(delivery.Id, out _);
                signal.Notify(); // recorded: a retry may now be due later, so the next wait must know of it
            }
        });
        _inFlight[delivery.Id] = attempt.Unwrap();
        attempt.Start(TaskScheduler.Default);
    }

    /// <summary>Stopping: attempts in flight finish within the grace period, or are cancelled and go back to pending.</summary>
    private async Task DrainAsync()
    {
        var running = _inFlight.Values.ToArray();
        if (running.Length == 0)
            return;
        var grace = options.Value.ShutdownGrace;
        LogDraining(running.Length, grace.TotalSeconds);
        var all = Task.WhenAll(running);
        using var stopWaiting = new CancellationTokenSource();
        await Task.WhenAny(all, Task.Delay(grace, time, stopWaiting.Token));
        stopWaiting.Cancel();
        if (!all.IsCompleted)
        {
            LogAbandoning(_inFlight.Count);
            await _abandon.CancelAsync();
            await all;
        }
    }

    /// <summary>Deliveries left in Sending by a crash go back to Pending, their unfinished attempt uncounted: sent at least once, never lost.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var node = options.Value.NodeName;
        // Only this node's own (or, on SQLite, every one: there claims carry no node); another node's claims are its to finish.
        var recovered = await db.Deliveries.Where(d => d.State == DeliveryState.Sending && (d.ClaimedBy == null || d.ClaimedBy == node))
            .ExecuteUpdateAsync(Unclaim(now), ct);
        if (recovered > 0)
            LogRecovered(recovered);
    }

    /// <summary>Back to Pending and due now, the unfinished attempt uncounted, the claim (on PostgreSQL) given up.</summary>
    private static Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<WebhookDelivery>> Unclaim(DateTimeOffset now) => u => u
        .SetProperty(d => d.State, DeliveryState.Pending)
        .SetProperty(d => d.NextAttemptAt, now)
        .SetProperty(d => d.AttemptCount, d => d.AttemptCount > d.ScheduleStart ? d.AttemptCount - 1 : d.AttemptCount)
        .SetProperty(d => d.ClaimedBy, (string?)null)
        .SetProperty(d => d.ClaimToken, (Guid?)null)
        .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null);

    /// <summary>Deliveries whose attempt crashed go back to pending (as after a crash of the process); kept for the next round while the store cannot write.</summary>
    private async Task ReleaseStrandedAsync(CancellationToken ct)
    {
        var ids = _stranded.Keys.Where(id => !_inFlight.ContainsKey(id)).ToList();
        if (ids.Count == 0)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var node = options.Value.NodeName;
        var released = await db.Deliveries.Where(d => ids.Contains(d.Id) && d.State == DeliveryState.Sending && (d.ClaimedBy == null || d.ClaimedBy == node))
            .ExecuteUpdateAsync(Unclaim(now), ct);
        foreach (var id in ids)
            _stranded.TryRemove(id, out _);
        if (released > 0)
            LogReleased(released);
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> due deliveries to Sending in one statement, committed (with the other writes waiting)
    /// before any is sent; returns each with its subscription as it is now (null when deleted), from the cache while unchanged,
    /// so the attempt need not read either again.
    /// </summary>
    private async Task<IReadOnlyList<(WebhookDelivery Delivery, WebhookSubscription? Subscription)>> ClaimDueAsync(int max, CancellationToken ct)
    {
        var (blocked, room) = gate.Capacity();
        var rows = await store.ClaimDueAsync(new ClaimLimits(max, options.Value.MaxConcurrentPerEndpoint, blocked, room, time.GetUtcNow()), ct);
        var claimed = new List<(WebhookDelivery, WebhookSubscription?)>(rows.Count);
        var subscriptions = await cache.GetManyAsync(rows.Select(r => (r.Delivery.SubscriptionId, r.Subscription)), CancellationToken.None);
        foreach (var (delivery, _) in rows)
        {
            var subscription = subscriptions[delivery.SubscriptionId];
            // The claim kept within each endpoint's room; a rate limit's spacing can still say no, and then it waits in the store.
            if (!gate.TryAcquire(delivery.SubscriptionId, subscription?.MaxConcurrency ?? options.Value.MaxConcurrentPerEndpoint, subscription?.RateLimitPerSecond))
            {
                DeliveryTransitions.Release(delivery, time.GetUtcNow());
                try
                {
                    await store.SaveStateAsync(delivery, CancellationToken.None);
                }
                catch (Exception e) when (Persistence.StoreSpace.IsFull(e))
                {
                    _stranded.TryAdd(delivery.Id, 0); // released at the next round that can write
                }
                continue;
            }
            claimed.Add((delivery, subscription));
            observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, DeliveryWorker.Name(DeliveryState.Sending), null));
        }
        return claimed;
    }

    /// <summary>Nothing to claim: ask Quartz to wake us when the next retry (or a rate-limited endpoint) is due, and wait.</summary>
    private async Task IdleAsync(bool slotsFree, CancellationToken ct)
    {
        var wait = MaxIdle;
        if (slotsFree)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var blocked = gate.Blocked();
            var next = await db.Deliveries
                .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && !blocked.Contains(d.SubscriptionId))
                .MinAsync(d => d.NextAttemptAt, ct);
            // On PostgreSQL another node's claim that lapses is due then too (it stopped renewing: it died or stalled).
            if (options.Value.StoreProvider == StoreProvider.PostgreSQL)
            {
                var node = options.Value.NodeName;
                var lapses = await db.Deliveries
                    .Where(d => d.State == DeliveryState.Sending && d.LeaseExpiresAt != null && d.ClaimedBy != node)
                    .MinAsync(d => d.LeaseExpiresAt, ct);
                if (lapses is not null && (next is null || lapses < next))
                    next = lapses;
            }
            if (gate.NextOpening() is { } opening && (next is null || opening < next))
                next = opening;
            if (next is { } at)
            {
                if (at <= time.GetUtcNow())
                    wait = TimeSpan.FromMilliseconds(50); // due, but its endpoint was busy a moment ago
                else
                    await scheduler.WakeAtAsync(at, ct);
            }
        }
        await signal.WaitAsync(wait, time, ct);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Recovered {Count} deliveries left sending by an earlier stop; they will be sent again")]
    private partial void LogRecovered(int count);

    [LoggerMessage(LogLevel.Information, "{Count} deliveries whose attempt could not be recorded went back to pending; they will be sent again")]
    private partial void LogReleased(int count);

    [LoggerMessage(LogLevel.Information, "Stopping: waiting up to {GraceSeconds} s for {Count} attempts in flight")]
    private partial void LogDraining(int count, double graceSeconds);

    [LoggerMessage(LogLevel.Warning, "Stopping: {Count} attempts did not finish in time; they go back to pending and are sent after the next start")]
    private partial void LogAbandoning(int count);

    [LoggerMessage(LogLevel.Error, "Attempt of delivery {DeliveryId} failed unexpectedly")]
    private partial void LogAttemptCrashed(Exception e, Guid deliveryId);

    [LoggerMessage(LogLevel.Error, "The delivery dispatcher loop failed; retrying in a second")]
    private partial void LogLoopFailed(Exception e);
}
