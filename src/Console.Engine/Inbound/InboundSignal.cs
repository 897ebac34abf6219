using System.Threading.Channels;

namespace WebhookConsole.Engine.Inbound;

/// <summary>Wakes the inbound processor when a request was stored, so it need not poll.</summary>
public sealed class InboundSignal
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
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { /* timed out: look again */ }
    }
}
