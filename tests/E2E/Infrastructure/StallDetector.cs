using System.Diagnostics;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// A control timer for timing assertions on a shared machine: a thread that sleeps <see cref="Tick"/> over and over and records
/// each time it woke up late, and a work item queued on the test process's thread pool as often, recorded when it started late.
/// When the machine stalls (other builds, a full CPU queue), the console and this thread are held up alike; when the test process's
/// pool stalls, its receivers answer late. A lateness the detector also saw is the machine's or the test's; one it did not see is the
/// console's.
/// </summary>
public sealed class StallDetector : IDisposable
{
    /// <summary>How long the control timer asks to sleep each time.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    /// <summary>Oversleeping by less than this is scheduler noise, not a stall.</summary>
    public static readonly TimeSpan Noise = TimeSpan.FromMilliseconds(5);

    private readonly List<(long From, long To)> _stalls = [];   // Stopwatch timestamps: when the timer should have woken, when it did
    private readonly long _anchorTimestamp = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _anchorClock = DateTimeOffset.UtcNow;
    private readonly Thread _thread;
    private readonly Thread _pool;
    private volatile bool _stopping;

    public StallDetector()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "stall detector" };
        _thread.Start();
        _pool = new Thread(ProbePool) { IsBackground = true, Name = "stall detector (thread pool)" };
        _pool.Start();
    }

    /// <summary>
    /// The test process's own thread pool, where its receivers and publishers run: a work item queued every <see cref="Tick"/> that
    /// started late held them up as well (a request to a test receiver waits there, and the console is timed for it).
    /// </summary>
    private void ProbePool()
    {
        using var ran = new ManualResetEventSlim();
        while (!_stopping)
        {
            Thread.Sleep(Tick);
            ran.Reset();
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(e => ((ManualResetEventSlim)e!).Set(), ran);
            ran.Wait();
            var started = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(queued, started) > Noise)
                lock (_stalls) _stalls.Add((queued, started));
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            var before = Stopwatch.GetTimestamp();
            Thread.Sleep(Tick);
            var after = Stopwatch.GetTimestamp();
            var due = before + (long)(Tick.TotalSeconds * Stopwatch.Frequency);
            if (Stopwatch.GetElapsedTime(due, after) > Noise)
                lock (_stalls) _stalls.Add((due, after));
        }
    }

    /// <summary>The Stopwatch timestamp of a wall-clock time (the console's own timestamps are wall clock).</summary>
    public long TimestampOf(DateTimeOffset at) => _anchorTimestamp + (long)((at - _anchorClock).TotalSeconds * Stopwatch.Frequency);

    /// <summary>How long the control timer was held up, in all, between two Stopwatch timestamps (overlapping stalls counted once).</summary>
    public TimeSpan StalledBetween(long from, long to)
    {
        List<(long From, long To)> within;
        lock (_stalls)
            within = _stalls.Where(s => s.To > from && s.From < to).Select(s => (Math.Max(s.From, from), Math.Min(s.To, to))).ToList();
        long total = 0, end = long.MinValue;
        foreach (var (start, stop) in within.OrderBy(s => s.Item1))
        {
            if (stop <= end)
                continue;
            total += stop - Math.Max(start, end);
            end = stop;
        }
        return TimeSpan.FromSeconds(total / (double)Stopwatch.Frequency);
    }

    /// <summary>The longest single stall overlapping the interval between two Stopwatch timestamps.</summary>
    public TimeSpan LongestBetween(long from, long to)
    {
        lock (_stalls)
            return TimeSpan.FromSeconds(_stalls.Where(s => s.To > from && s.From < to).Select(s => s.To - s.From).DefaultIfEmpty(0).Max()
                                        / (double)Stopwatch.Frequency);
    }

    /// <inheritdoc cref="StalledBetween(long, long)"/>
    public TimeSpan StalledBetween(DateTimeOffset from, DateTimeOffset to) => StalledBetween(TimestampOf(from), TimestampOf(to));

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _pool.Join();
    }
}

/// <summary>
/// Linux pressure stall information (<c>/proc/pressure</c>): how long, in all, some task on the machine waited for a CPU or for the
/// disk. Readings are totals since boot; the difference of two is what a phase waited. Zero where the kernel does not report it.
/// </summary>
public readonly record struct Pressure(TimeSpan CpuSome, TimeSpan IoSome, TimeSpan IoFull)
{
    public static Pressure Now() => new(Read("cpu", "some"), Read("io", "some"), Read("io", "full"));

    public static Pressure operator -(Pressure a, Pressure b) => new(a.CpuSome - b.CpuSome, a.IoSome - b.IoSome, a.IoFull - b.IoFull);

    public override string ToString() =>
        $"waited for a CPU {CpuSome.TotalMilliseconds:0} ms, for the disk {IoSome.TotalMilliseconds:0} ms (all tasks {IoFull.TotalMilliseconds:0} ms)";

    private static TimeSpan Read(string resource, string kind)
    {
        try
        {
            var line = File.ReadLines($"/proc/pressure/{resource}").FirstOrDefault(l => l.StartsWith(kind + " ", StringComparison.Ordinal));
            var total = line?.Split(' ').FirstOrDefault(f => f.StartsWith("total=", StringComparison.Ordinal));
            return total is null ? TimeSpan.Zero : TimeSpan.FromMicroseconds(long.Parse(total["total=".Length..]));
        }
        catch (IOException) { return TimeSpan.Zero; }
        catch (UnauthorizedAccessException) { return TimeSpan.Zero; }
    }
}

/// <summary>How late a retry may be on a machine that did not stall.</summary>
public static class RetryTiming
{
    /// <summary>What waking (Quartz), claiming and sending a due retry may take beyond its delay, stalls not counted.</summary>
    public static readonly TimeSpan WakeAndSend = TimeSpan.FromSeconds(0.3);

    /// <summary>
    /// How much later than its delay (+10 % jitter) a retry may start, in seconds, when the control timer measured the machine stalled
    /// for <paramref name="stalledSeconds"/> in that gap: the console has more to do than the timer (wake, claim, commit, connect,
    /// send), so a stall holds it up longer than the timer (measured under load average ~6: 0.547 s late with 0.249 s stalled).
    /// </summary>
    public static double Allowance(double stalledSeconds) => WakeAndSend.TotalSeconds + 2 * stalledSeconds;
}
