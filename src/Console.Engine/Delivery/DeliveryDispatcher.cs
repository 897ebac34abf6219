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
    StoreWriter writer,
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
            catch (Exception e) { LogAttemptCrashed(e, delivery.Id); }
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
        var recovered = await db.Deliveries.Where(d => d.State == DeliveryState.Sending)
            .ExecuteUpdateAsync(u => u
                .SetProperty(d => d.State, DeliveryState.Pending)
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.AttemptCount, d => d.AttemptCount > d.ScheduleStart ? d.AttemptCount - 1 : d.AttemptCount), ct);
        if (recovered > 0)
            LogRecovered(recovered);
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> due deliveries to Sending, committed (with the other writes waiting) before any is sent;
    /// returns each with its subscription as it is now (null when deleted), so the attempt need not read either again.
    /// </summary>
    private async Task<IReadOnlyList<(WebhookDelivery Delivery, WebhookSubscription? Subscription)>> ClaimDueAsync(int max, CancellationToken ct)
    {
        var claimed = new List<(WebhookDelivery, WebhookSubscription?)>();
        try
        {
            await writer.WriteAsync(async db =>
            {
                var now = time.GetUtcNow();
                var blocked = gate.Blocked();
                var candidates = await db.Deliveries.AsNoTracking()
                    .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now
                                && !blocked.Contains(d.SubscriptionId))
                    .OrderBy(d => d.NextAttemptAt)
                    .Take(max * 4)
                    .ToListAsync(CancellationToken.None);
                if (candidates.Count == 0)
                    return;
                var ids = candidates.Select(d => d.SubscriptionId).Distinct().ToList();
                var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id))
                    .ToDictionaryAsync(s => s.Id, CancellationToken.None);
                foreach (var delivery in candidates)
                {
                    if (claimed.Count == max)
                        break;
                    subscriptions.TryGetValue(delivery.SubscriptionId, out var subscription); // a deleted subscription's rows are claimed and cancelled
                    if (!gate.TryAcquire(delivery.SubscriptionId, subscription?.MaxConcurrency ?? options.Value.MaxConcurrentPerEndpoint, subscription?.RateLimitPerSecond))
                        continue;
                    db.Attach(delivery);
                    DeliveryTransitions.Start(delivery);
                    claimed.Add((delivery, subscription));
                }
                await db.SaveChangesAsync(CancellationToken.None);
            }, flush: false, ct);
        }
        catch
        {
            foreach (var (delivery, _) in claimed)
                gate.Release(delivery.SubscriptionId);
            throw;
        }
        foreach (var (delivery, _) in claimed)
            observer.DeliveryStateChanged(new(delivery.Id, delivery.SubscriptionId, DeliveryWorker.Name(DeliveryState.Sending), null));
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

    [LoggerMessage(LogLevel.Information, "Stopping: waiting up to {GraceSeconds} s for {Count} attempts in flight")]
    private partial void LogDraining(int count, double graceSeconds);

    [LoggerMessage(LogLevel.Warning, "Stopping: {Count} attempts did not finish in time; they go back to pending and are sent after the next start")]
    private partial void LogAbandoning(int count);

    [LoggerMessage(LogLevel.Error, "Attempt of delivery {DeliveryId} failed unexpectedly")]
    private partial void LogAttemptCrashed(Exception e, Guid deliveryId);

    [LoggerMessage(LogLevel.Error, "The delivery dispatcher loop failed; retrying in a second")]
    private partial void LogLoopFailed(Exception e);
}
