using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>Publish→receive latency in milliseconds at a fixed offered rate, and how long publishing itself took (the 202).</summary>
public sealed record LatencyResult(int Rate, int Events, double P50, double P95, double P99, double Max, double PublishP99);

/// <summary>
/// Events published at a fixed rate, whatever the engine does (an open loop: a slow engine does not slow the offered load),
/// each to one webhook. Latency runs from the moment an event was due to be published to its arrival at the receiver, so time
/// spent waiting to publish counts too.
/// </summary>
public static class LatencyScenario
{
    public static async Task<LatencyResult> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var rate = settings.LatencyRate;
        var warmUp = 2 * rate; // the first two seconds are not counted: a new engine's first queries compile
        var total = warmUp + rate * settings.LatencySeconds;
        Console.WriteLine($"latency: {rate} events/s for {settings.LatencySeconds} s (after 2 s warm-up), one webhook");

        await using var engine = await BenchEngine.CreateAsync();
        await engine.CreateWebhooksAsync(1, receiver.Url, ThroughputScenario.EventType);
        await engine.StartDeliveringAsync();
        var publisher = engine.Get<EventPublisher>();
        var data = ThroughputScenario.SampleData();
        receiver.Reset(total);

        var due = new long[total];
        var accepted = new long[total];
        var publishes = new Task[total];
        var interval = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total;)
        {
            var now = Stopwatch.GetTimestamp();
            for (; i < total && start + (long)(i * interval) <= now; i++)
            {
                var n = i;
                due[n] = start + (long)(n * interval);
                publishes[n] = Task.Run(async () =>
                {
                    await publisher.PublishAsync(ThroughputScenario.EventType, data.DeepClone(), id: $"lat-{n}");
                    accepted[n] = Stopwatch.GetTimestamp();
                });
            }
            await Task.Delay(1);
        }
        await Task.WhenAll(publishes);
        await receiver.WaitForAsync(total, TimeSpan.FromMinutes(2));

        Dictionary<string, int> eventOf;
        await using (var db = engine.Db())
            eventOf = await db.Deliveries.AsNoTracking().ToDictionaryAsync(d => d.MessageId, d => int.Parse(d.EventId.AsSpan(4)));
        var times = receiver.Times.ToArray();
        var ids = receiver.Ids.ToArray();
        if (ids.Distinct().Count() != total || eventOf.Count != total)
            throw new InvalidOperationException($"{ids.Distinct().Count()} unique webhook-ids arrived and {eventOf.Count} deliveries were stored for {total} events.");
        var latencies = new List<double>();
        for (var k = 0; k < times.Length; k++)
        {
            var n = eventOf[ids[k]!];
            if (n >= warmUp)
                latencies.Add(Stopwatch.GetElapsedTime(due[n], times[k]).TotalMilliseconds);
        }
        latencies.Sort();
        var publishing = Enumerable.Range(warmUp, total - warmUp).Select(n => Stopwatch.GetElapsedTime(due[n], accepted[n]).TotalMilliseconds)
            .Order().ToList();
        var result = new LatencyResult(rate, latencies.Count, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95),
            Stats.Percentile(latencies, 99), latencies[^1], Stats.Percentile(publishing, 99));
        Console.WriteLine($"  publish→receive p50 {Stats.F(result.P50)} ms, p95 {Stats.F(result.P95)} ms, p99 {Stats.F(result.P99)} ms, " +
                          $"max {Stats.F(result.Max)} ms over {result.Events:N0} events; publish (202) p99 {Stats.F(result.PublishP99)} ms");
        return result;
    }
}
