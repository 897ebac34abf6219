using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Runs in the background: claims deliveries that are due from the store and attempts them, a bounded number at once.</summary>
public sealed partial class DeliveryDispatcher(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    DeliveryWorker worker,
    DeliverySignal signal,
    IOptions<WebhookEngineOptions> options,
    TimeProvider time,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        var slots = new SemaphoreSlim(options.Value.MaxConcurrentAttempts);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var free = slots.CurrentCount;
                var claimed = free > 0 ? await ClaimDueAsync(free, stoppingToken) : [];
                foreach (var id in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    _ = Task.Run(async () =>
                    {
                        try { await worker.AttemptAsync(id, stoppingToken); }
                        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { /* left in Sending: recovered at next start */ }
                        catch (Exception e) { LogAttemptCrashed(e, id); }
                        finally
                        {
                            slots.Release();
                            signal.Notify();
                        }
                    }, CancellationToken.None);
                }
                if (claimed.Count == 0)
                    await signal.WaitAsync(await IdleTimeAsync(stoppingToken), time, stoppingToken);
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

    /// <summary>Deliveries left in Sending by a crash go back to Pending: sent at least once, never lost.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var recovered = await db.Deliveries.Where(d => d.State == DeliveryState.Sending)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DeliveryState.Pending).SetProperty(d => d.NextAttemptAt, now), ct);
        if (recovered > 0)
            LogRecovered(recovered);
    }

    private async Task<IReadOnlyList<Guid>> ClaimDueAsync(int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var due = await db.Deliveries
            .Where(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt)
            .Take(max)
            .ToListAsync(ct);
        foreach (var delivery in due)
            DeliveryTransitions.Start(delivery);
        await db.SaveChangesAsync(ct);
        return due.Select(d => d.Id).ToList();
    }

    private async Task<TimeSpan> IdleTimeAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var next = await db.Deliveries
            .Where(d => d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying)
            .MinAsync(d => d.NextAttemptAt, ct);
        if (next is null)
            return MaxIdle;
        var wait = next.Value - time.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : wait < MaxIdle ? wait : MaxIdle;
    }

    [LoggerMessage(LogLevel.Information, "Recovered {Count} deliveries left sending by an earlier stop; they will be sent again")]
    private partial void LogRecovered(int count);

    [LoggerMessage(LogLevel.Error, "Attempt of delivery {DeliveryId} failed unexpectedly")]
    private partial void LogAttemptCrashed(Exception e, Guid deliveryId);

    [LoggerMessage(LogLevel.Error, "The delivery dispatcher loop failed; retrying in a second")]
    private partial void LogLoopFailed(Exception e);
}
