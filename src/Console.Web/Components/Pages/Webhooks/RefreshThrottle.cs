namespace WebhookConsole.Web.Components.Pages.Webhooks;

/// <summary>
/// Coalesces many "something changed" signals from engine threads into at most one refresh per interval,
/// so hundreds of attempts a second cost a page one query every half second, not hundreds.
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    private readonly Func<Task> _refresh;
    private readonly TimeSpan _interval;
    private readonly Timer _timer;
    private int _scheduled;
    private volatile bool _disposed;

    /// <param name="refresh">Runs on a timer thread; a component passes <c>() => InvokeAsync(...)</c>.</param>
    public RefreshThrottle(TimeSpan interval, Func<Task> refresh)
    {
        _interval = interval;
        _refresh = refresh;
        _timer = new Timer(_ => _ = FireAsync(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Asks for a refresh; cheap and thread-safe. The refresh runs once, within the interval, however often this is called.</summary>
    public void Mark()
    {
        if (_disposed || Interlocked.Exchange(ref _scheduled, 1) == 1)
            return;
        try { _timer.Change(_interval, Timeout.InfiniteTimeSpan); }
        catch (ObjectDisposedException) { /* the page went away meanwhile */ }
    }

    private async Task FireAsync()
    {
        // Cleared before refreshing: a signal that arrives during the refresh schedules the next one.
        Interlocked.Exchange(ref _scheduled, 0);
        if (_disposed)
            return;
        try { await _refresh(); }
        catch (ObjectDisposedException) { /* the circuit closed between the signal and the refresh */ }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }
}
