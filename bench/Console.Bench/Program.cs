using System.Globalization;
using System.Runtime.InteropServices;
using WebhookConsole.Bench;
using WebhookConsole.Bench.Scenarios;

// dotnet run -c Release --project bench/Console.Bench [-- --quick] [-- --nodes 2: on PostgreSQL, 2 console processes against 1]
// Measures the engine against the limit on this machine and ends with one summary line; exit code 0 even when a target is
// missed (the figures are the result), 1 when a run was not clean (an attempt lost, unlogged, duplicated or left unfinished).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var settings = BenchSettings.Parse(args);
Console.WriteLine($"Webhook Console benchmark{(settings.Quick ? " (--quick)" : "")}: {Environment.ProcessorCount} cores, " +
                  $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, " +
                  $"load average {LoadAverage()}");

await using var receiver = await Receiver.StartAsync();
if (settings.Nodes > 1)
{
    // Its own mode: console processes on PostgreSQL, nothing else running beside them.
    try
    {
        var rounds = await NodesScenario.RunAsync(receiver, settings);
        Console.WriteLine($"bench: nodes={settings.Nodes} one={Stats.F(rounds[0].Rate, "0")}/s many={Stats.F(rounds[1].Rate, "0")}/s " +
                          $"scaling={Stats.F(rounds[1].Rate / rounds[0].Rate, "0.00")} busy={Stats.F(rounds[0].MachineBusy * 100, "0")}%/{Stats.F(rounds[1].MachineBusy * 100, "0")}%");
        return 0;
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException)
    {
        Console.WriteLine($"bench: NOT CLEAN: {e.Message}");
        return 1;
    }
}
IReadOnlyList<ThroughputRound>? throughput = null;
LatencyResult? latency = null;
FanoutResult? fanout = null;
LogPageResult? logPage = null;
PublishResult? publish = null;
HangfireResult? hangfire = null;
var peak = 0.0;
try
{
    if (settings.Runs("throughput"))
        throughput = await MeasuredAsync(() => ThroughputScenario.RunAsync(receiver, settings));
    if (settings.Runs("hangfire"))
        hangfire = await MeasuredAsync(() => HangfireScenario.RunAsync(receiver, settings));
    if (settings.Runs("latency"))
        latency = await MeasuredAsync(() => LatencyScenario.RunAsync(receiver, settings));
    if (settings.Runs("fanout"))
        fanout = await MeasuredAsync(() => FanoutScenario.RunAsync(receiver, settings));
    if (settings.Runs("logpage"))
        logPage = await MeasuredAsync(() => LogPageScenario.RunAsync(settings));
    if (settings.Runs("publish"))
        publish = await PublishScenario.RunAsync(receiver, settings); // its own process: not in this one's memory figure
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException)
{
    Console.WriteLine($"bench: NOT CLEAN: {e.Message}");
    return 1;
}

Console.WriteLine();
Console.WriteLine($"load average now {LoadAverage()}");
var engineRate = throughput is null ? double.NaN : Stats.Median(throughput.Select(r => r.Engine));
var ratio = throughput is null ? double.NaN : Stats.Median(throughput.Select(r => r.Ratio));
if (throughput is { Count: > 1 })
    Console.WriteLine($"ratio over {throughput.Count} rounds: median {Stats.F(ratio, "0.00")}, " +
                      $"range {Stats.F(throughput.Min(r => r.Ratio), "0.00")}–{Stats.F(throughput.Max(r => r.Ratio), "0.00")}");
Target("ratio to a plain HttpClient loop ≥ 0.6", ratio, r => r >= 0.6, "0.00");
if (throughput is not null)
    Console.WriteLine($"  floor (the plain loop logging each attempt in the store, no engine): ratio {Stats.F(Stats.Median(throughput.Select(r => r.FloorRatio)), "0.00")}; " +
                      $"engine to floor {Stats.F(Stats.Median(throughput.Select(r => r.Engine / r.Floor)), "0.00")}");
var vsHangfire = engineRate / (hangfire?.Rate ?? double.NaN);   // NaN when either was not measured
Target("≥ 10× Hangfire's durable deliveries/s", vsHangfire, v => v >= 10, "0.0", "×");
Target($"p99 publish→receive ≤ 25 ms at {settings.LatencyRate} events/s", latency?.P99 ?? double.NaN, v => v <= 25, "0.0", " ms");
Target("fan-out to 1,000 webhooks ≤ 1 s", fanout?.ReceivedMs ?? double.NaN, v => v <= 1000, "0", " ms");
Target($"log page ≤ 200 ms at {settings.LogAttempts:N0} attempts (slowest filter)", logPage?.WorstMs ?? double.NaN, v => v <= 200, "0.0", " ms");
Target("webhooks page (24 h chart) ≤ 200 ms", logPage?.ChartMs ?? double.NaN, v => v <= 200, "0.0", " ms");
Target("Overview ≤ 200 ms", logPage?.OverviewMs ?? double.NaN, v => v <= 200, "0.0", " ms");
Target("publish ≥ 2,000 requests/s (4 webhooks each)", publish?.RequestsPerSecond ?? double.NaN, v => v >= 2000, "0", "/s");
Target("peak memory ≤ 300 MB", peak, v => v <= 300, "0", " MB");
Console.WriteLine($"bench: throughput={Stats.F(engineRate, "0")}/s ratio={Stats.F(ratio, "0.00")} hangfire={Stats.F(hangfire?.Rate ?? double.NaN, "0")}/s vs_hangfire={Stats.F(vsHangfire, "0.0")} " +
                  $"publish={Stats.F(publish?.RequestsPerSecond ?? double.NaN, "0")}/s p99={Stats.F(latency?.P99 ?? double.NaN)}ms " +
                  $"fanout1000={Stats.F(fanout?.ReceivedMs ?? double.NaN, "0")}ms logpage={Stats.F(logPage?.WorstMs ?? double.NaN)}ms " +
                  $"webhookspage={Stats.F(logPage?.ChartMs ?? double.NaN)}ms overview={Stats.F(logPage?.OverviewMs ?? double.NaN)}ms " +
                  $"rss={Stats.F(peak, "0")}MB");
return 0;

// Peak resident memory per scenario (the process's peak is reset before each where Linux allows), and the highest of them.
async Task<T> MeasuredAsync<T>(Func<Task<T>> scenario)
{
    var reset = Stats.ResetPeakMemory();
    var result = await scenario();
    var scenarioPeak = Stats.PeakMemoryMb();
    peak = Math.Max(peak, scenarioPeak);
    Console.WriteLine($"  peak memory {(reset ? "during this scenario" : "so far")}: {scenarioPeak:0} MB");
    return result;
}

static void Target(string what, double value, Func<double, bool> met, string format, string unit = "")
{
    var verdict = double.IsNaN(value) ? "not measured" : met(value) ? "met" : "MISSED";
    Console.WriteLine($"target {what}: {(double.IsNaN(value) ? "–" : Stats.F(value, format) + unit)} {verdict}");
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
