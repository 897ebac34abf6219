using System.Diagnostics;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>Milliseconds for one event to reach every webhook (the median of the repeats), to be logged, and to be stored (the 202).</summary>
public sealed record FanoutResult(int Webhooks, double ReceivedMs, double LoggedMs, double PublishMs, IReadOnlyList<double> AllReceivedMs);

/// <summary>One event published to 1,000 webhooks: from the call to publish until the last of them has it.</summary>
public static class FanoutScenario
{
    public static async Task<FanoutResult> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var webhooks = settings.FanoutWebhooks;
        await using var engine = await BenchEngine.CreateAsync();
        var creating = Stopwatch.StartNew();
        await engine.CreateWebhooksAsync(webhooks, receiver.Url, ThroughputScenario.EventType);
        Console.WriteLine($"fan-out: one event to {webhooks:N0} webhooks ({creating.Elapsed.TotalSeconds:0.0} s to create them), {settings.FanoutRepeats} time(s)");
        await engine.StartDeliveringAsync();
        var publisher = engine.Get<EventPublisher>();

        var received = new List<double>();
        var logged = new List<double>();
        var published = new List<double>();
        for (var r = 0; r < settings.FanoutRepeats; r++)
        {
            receiver.Reset(webhooks);
            engine.Logged.Reset(webhooks);
            var start = Stopwatch.GetTimestamp();
            await publisher.PublishAsync(ThroughputScenario.EventType, ThroughputScenario.SampleData());
            published.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await receiver.WaitForAsync(webhooks, TimeSpan.FromMinutes(1));
            received.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            while (engine.Logged.Count < webhooks)
                await Task.Delay(1);
            logged.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var unique = receiver.Ids.ToArray().Distinct().Count();
            if (unique != webhooks)
                throw new InvalidOperationException($"{unique} unique webhook-ids arrived for {webhooks} webhooks.");
            Console.WriteLine($"  run {r + 1}: stored in {published[^1]:0} ms, all received in {received[^1]:0} ms, all logged in {logged[^1]:0} ms");
        }
        return new FanoutResult(webhooks, Stats.Median(received), Stats.Median(logged), Stats.Median(published), received);
    }
}
