using System.Threading.Channels;

namespace WebhookConsole.Engine;

/// <summary>Wakes a background worker when new work was stored, so it need not poll. Each worker has its own subclass.</summary>
public abstract class WorkSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Says there is work; many calls before the next wait count as one.</summary>
    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for <see cref="Notify"/> or until <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try { await _channel.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { /* timed out: time to look again */ }
    }
}
