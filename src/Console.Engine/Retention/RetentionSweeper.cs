using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Engine.Retention;

/// <summary>What one sweep removed.</summary>
public sealed record RetentionResult(int Attempts, int Deliveries, int Bodies, int InboundRequests, int SessionLogs);

/// <summary>
/// Removes what is past its time (<see cref="RetentionOptions"/>) in batches of <see cref="RetentionOptions.BatchSize"/>, each its own
/// short write through <see cref="IStoreWriter"/>, so attempts being recorded queue behind one batch at most. A delivery that is not
/// finished (pending, sending, retrying) is never touched, nor are its attempts, nor an inbound request still being processed.
/// </summary>
public sealed partial class RetentionSweeper(
    IStoreWriter writer, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    private static readonly DeliveryState[] Finished = [DeliveryState.Succeeded, DeliveryState.Failed, DeliveryState.Cancelled];
    private DateTimeOffset? _lastRun;

    /// <summary>Sweeps when <see cref="RetentionOptions.Interval"/> has passed since the last sweep (called every minute by the scheduler).</summary>
    public async Task<RetentionResult?> SweepIfDueAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (_lastRun is { } last && now - last < options.Value.Interval)
            return null;
        _lastRun = now;
        return await SweepAsync(ct);
    }

    /// <summary>Removes everything past its time, batch by batch, as of now.</summary>
    public async Task<RetentionResult> SweepAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var attemptsBefore = now - o.Attempts;
        var bodiesBefore = now - o.DeliveryBodies;
        var inboundBefore = now - o.InboundRequests;
        var sessionsBefore = now - o.SessionLogs;
        var n = o.BatchSize;

        var attempts = await RepeatAsync(db => db.DeliveryAttempts
            .Where(a => a.At < attemptsBefore && db.Deliveries.Any(d => d.Id == a.DeliveryId && Finished.Contains(d.State)))
            .OrderBy(a => a.Id).Take(n).ExecuteDeleteAsync(CancellationToken.None), n, ct);
        // Attempts of a deleted webhook's deliveries have no delivery row left; they age out the same way.
        attempts += await RepeatAsync(db => db.DeliveryAttempts
            .Where(a => a.At < attemptsBefore && !db.Deliveries.Any(d => d.Id == a.DeliveryId))
            .OrderBy(a => a.Id).Take(n).ExecuteDeleteAsync(CancellationToken.None), n, ct);
        var deliveries = await RepeatAsync(db => db.Deliveries
            .Where(d => Finished.Contains(d.State) && d.CompletedAt < attemptsBefore && !db.DeliveryAttempts.Any(a => a.DeliveryId == d.Id))
            .OrderBy(d => d.CompletedAt).Take(n).ExecuteDeleteAsync(CancellationToken.None), n, ct);
        var bodies = await RepeatAsync(db => db.Deliveries
            .Where(d => Finished.Contains(d.State) && d.CompletedAt < bodiesBefore && d.Body != Array.Empty<byte>())
            .OrderBy(d => d.CompletedAt).Take(n).ExecuteUpdateAsync(u => u.SetProperty(d => d.Body, Array.Empty<byte>()), CancellationToken.None), n, ct);
        var inbound = await RepeatAsync(db => db.Set<InboundRequest>()
            .Where(r => r.ReceivedAt < inboundBefore && r.Processing != InboundProcessing.Pending && r.Processing != InboundProcessing.Publishing)
            .OrderBy(r => r.ReceivedAt).Take(n).ExecuteDeleteAsync(CancellationToken.None), n, ct);
        var sessions = await RepeatAsync(db => db.Set<SessionLogEntry>()
            .Where(e => e.At < sessionsBefore)
            .OrderBy(e => e.Id).Take(n).ExecuteDeleteAsync(CancellationToken.None), n, ct);

        var result = new RetentionResult(attempts, deliveries, bodies, inbound, sessions);
        if (result != new RetentionResult(0, 0, 0, 0, 0))
            LogSwept(attempts, deliveries, bodies, inbound, sessions);
        return result;
    }

    // One batch per write, until a batch comes back short.
    private async Task<int> RepeatAsync(Func<ConsoleDbContext, Task<int>> batch, int size, CancellationToken ct)
    {
        var total = 0;
        while (!ct.IsCancellationRequested)
        {
            var removed = await writer.WriteAsync(batch, flush: false, ct);
            total += removed;
            if (removed < size)
                break;
        }
        return total;
    }

    [LoggerMessage(LogLevel.Information, "Retention removed {Attempts} attempts, {Deliveries} finished deliveries, {Bodies} delivery bodies, {InboundRequests} inbound requests and {SessionLogs} session log entries")]
    private partial void LogSwept(int attempts, int deliveries, int bodies, int inboundRequests, int sessionLogs);
}
