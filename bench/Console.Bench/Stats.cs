using System.Diagnostics;
using System.Globalization;

namespace WebhookConsole.Bench;

/// <summary>Small helpers for figures: percentiles, rates over a steady window, memory.</summary>
public static class Stats
{
    /// <summary>The <paramref name="p"/>-th percentile (0–100) of already sorted values, nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// Completions per second between the 10th and the 90th percent of them: the steady rate, without the ramp-up (first claim,
    /// connections opening) and the tail (the last few in flight).
    /// </summary>
    public static double SteadyRate(ReadOnlySpan<long> timestamps)
    {
        var sorted = timestamps.ToArray();
        Array.Sort(sorted);
        var from = sorted.Length / 10;
        var to = sorted.Length * 9 / 10;
        var seconds = Stopwatch.GetElapsedTime(sorted[from], sorted[to]).TotalSeconds;
        return seconds > 0 ? (to - from) / seconds : double.NaN;
    }

    /// <summary>Peak resident memory of this process in MB (VmHWM), or the peak working set where /proc is absent.</summary>
    public static double PeakMemoryMb()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024;
    }

    /// <summary>Starts measuring the peak afresh (Linux: VmHWM is reset through /proc/self/clear_refs); false where that is not possible.</summary>
    public static bool ResetPeakMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>CPU time this process has used so far (all threads).</summary>
    public static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Resident memory now, in MB.</summary>
    public static double CurrentMemoryMb() => Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024;

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
