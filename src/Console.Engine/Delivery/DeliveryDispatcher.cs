using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Scheduling;

namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// Runs in the background: claims deliveries that are due from the store and attempts them — at most
/// <see cref="WebhookEngineOptions.MaxConcurrentAttempts"/> at once, and per endpoint only what <see cref="EndpointGate"/> allows.
/// Waits for Quartz (<see cref="ConsoleScheduler"/>) to wake it when the next retry falls due. On stop, attempts in flight get
/// <see cref="WebhookEngineOptions.ShutdownGrace"/> to finish, then go back to pending.
/// </summary>
public sealed partial class DeliveryDispatcher(
    IDbContextFactory<ConsoleDbContext> dbFactory,
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

    /// <summary>Attempts in flight now.</summary>
    public int InFlight => _inFlight.Count;

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
                    foreach (var (id, subscriptionId) in claimed)
                        Run(id, subscriptionId, slots);
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

    private void Run(Guid deliveryId, Guid subscriptionId, SemaphoreSlim slots)
    {
        slots.Wait(); // never blocks: no more were claimed than there were free slots
        var attempt = new Task<Task>(async () =>
        {
            try { await worker.AttemptAsync(deliveryId, _abandon.Token); }
            catch (Exception e) { LogAttemptCrashed(e, deliveryId); }
            finally
            {
                gate.Release(subscriptionId);
                _inFlight.TryRemove(deliveryId, out _);
                slots.Release();
                signal.Notify();
            }
        });
        _inFlight[deliveryId] = attempt.Unwrap();
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

    private async Task<IReadOnlyList<(Guid Id, Guid SubscriptionId)>> ClaimDueAsync(int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var blocked = gate.Blocked();
        var candidates = await db.Deliveries
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now
                        && !blocked.Contains(d.SubscriptionId))
            .OrderBy(d => d.NextAttemptAt)
            .Take(max * 4)
            .ToListAsync(ct);
        if (candidates.Count == 0)
            return [];
        var ids = candidates.Select(d => d.SubscriptionId).Distinct().ToList();
        var limits = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.MaxConcurrency, s.RateLimitPerSecond }).ToDictionaryAsync(s => s.Id, ct);

        var claimed = new List<(Guid, Guid)>();
        foreach (var delivery in candidates)
        {
            if (claimed.Count == max)
                break;
            limits.TryGetValue(delivery.SubscriptionId, out var limit); // a deleted subscription's rows are claimed and cancelled
            if (!gate.TryAcquire(delivery.SubscriptionId, limit?.MaxConcurrency ?? options.Value.MaxConcurrentPerEndpoint, limit?.RateLimitPerSecond))
                continue;
            DeliveryTransitions.Start(delivery);
            claimed.Add((delivery.Id, delivery.SubscriptionId));
        }
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch
        {
            foreach (var (_, subscriptionId) in claimed)
                gate.Release(subscriptionId);
            throw;
        }
        foreach (var (id, subscriptionId) in claimed)
            observer.DeliveryStateChanged(new(id, subscriptionId, DeliveryWorker.Name(DeliveryState.Sending), null));
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
