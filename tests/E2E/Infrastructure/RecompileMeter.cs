namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// How much CPU a console process has spent recompiling hot methods, optimised: the CPU time of its runtime's tiered-compilation
/// thread, read from <c>/proc</c> ten times a second. A fresh process does this for its first minute or so (longer on a slow
/// machine), and a timing comparison made meanwhile measures the JIT as much as the console. The runtime ends that thread when it
/// has nothing to compile and starts a new one later, so each thread's time is kept as last read (losing at most its last 100 ms).
/// </summary>
public sealed class RecompileMeter : IDisposable
{
    private readonly int _processId;
    private readonly Dictionary<int, long> _ticksByThread = [];
    private readonly Timer _timer;

    public RecompileMeter(int processId)
    {
        _processId = processId;
        _timer = new Timer(_ => Read(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The CPU time spent recompiling since the process started (as far as this meter saw).</summary>
    public TimeSpan Total
    {
        get
        {
            Read();
            lock (_ticksByThread)
                return TimeSpan.FromSeconds(_ticksByThread.Values.Sum() / 100.0);   // USER_HZ: 100 on Linux
        }
    }

    private void Read()
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_processId}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != ".NET Tiered Com")
                        continue;
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // from the state on: utime and stime are the 12th and 13th
                    var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
                    lock (_ticksByThread)
                        _ticksByThread[int.Parse(Path.GetFileName(task))] = ticks;
                }
                catch (IOException) { /* the thread ended */ }
            }
        }
        catch (DirectoryNotFoundException) { /* the process ended */ }
    }

    public void Dispose() => _timer.Dispose();
}
