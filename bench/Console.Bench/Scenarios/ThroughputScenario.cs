using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>What one round measured: steady deliveries per second and CPU per delivery of the engine and of the plain loop.</summary>
public sealed record ThroughputRound(double Engine, double Baseline, double PublishPerSecond, double EngineCpuUs, double BaselineCpuUs)
{
    public double Ratio => Engine / Baseline;
}

/// <summary>
/// Sustained deliveries per second: a backlog stored through <see cref="EventPublisher"/> is drained by the real dispatcher (every
/// attempt signed, sent, and committed to the store together with its state change), against the limit on this machine: a plain
/// <see cref="HttpClient"/> POST loop with the same body, the same receiver and the same concurrency. One engine serves every round,
/// after an unmeasured warm-up round (the first seconds of a process are JIT compilation, not the engine); the rounds alternate which
/// goes first, so drift in the machine's load hits both alike.
/// </summary>
public static class ThroughputScenario
{
    public const string EventType = "message.incoming";
    private const int Webhooks = 8;
    private static readonly int Concurrency = new WebhookEngineOptions().MaxConcurrentAttempts;

    public static async Task<IReadOnlyList<ThroughputRound>> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var data = SampleData();
        var body = EventPublisher.Envelope(EventType, DateTimeOffset.UtcNow, data);
        Console.WriteLine($"throughput: {settings.Deliveries:N0} deliveries to {Webhooks} webhooks, body {body.Length:N0} bytes, " +
                          $"{Concurrency} at once (engine: MaxConcurrentAttempts; baseline: as many POST loops), {settings.Rounds} round(s)");
        await using var engine = await BenchEngine.CreateAsync();
        await engine.CreateWebhooksAsync(Webhooks, receiver.Url, EventType);

        var warming = Stopwatch.StartNew();
        await BaselineAsync(receiver, body, settings.WarmUp);
        await EngineAsync(engine, receiver, data, settings.WarmUp);
        Console.WriteLine($"  warm-up: {settings.WarmUp:N0} deliveries each way, unmeasured ({warming.Elapsed.TotalSeconds:0.0} s)");

        var rounds = new List<ThroughputRound>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            Measured engineRun, baselineRun;
            if (round % 2 == 1)
            {
                baselineRun = await BaselineAsync(receiver, body, settings.Deliveries);
                engineRun = await EngineAsync(engine, receiver, data, settings.Deliveries);
            }
            else
            {
                engineRun = await EngineAsync(engine, receiver, data, settings.Deliveries);
                baselineRun = await BaselineAsync(receiver, body, settings.Deliveries);
            }
            var result = new ThroughputRound(engineRun.Rate, baselineRun.Rate, engineRun.PublishRate, engineRun.CpuUs, baselineRun.CpuUs);
            rounds.Add(result);
            Console.WriteLine($"  round {round}: engine {result.Engine:N0}/s, plain HttpClient {result.Baseline:N0}/s, ratio {Stats.F(result.Ratio, "0.00")}; " +
                              $"CPU per delivery (receiver included) {result.EngineCpuUs:0} µs vs {result.BaselineCpuUs:0} µs; " +
                              $"publishing stored {result.PublishPerSecond:N0} deliveries/s");
        }
        return rounds;
    }

    /// <summary>About 1 KB of data, like a chat message event.</summary>
    public static JsonObject SampleData() => new()
    {
        ["messageId"] = Guid.NewGuid().ToString(),
        ["sessionId"] = Guid.NewGuid().ToString(),
        ["channel"] = "whatsapp",
        ["from"] = "+4915112345678",
        ["text"] = string.Concat(Enumerable.Repeat("Hello, I would like to know where my order is. ", 18)),
    };

    private sealed record Measured(double Rate, double CpuUs, double PublishRate = 0);

    /// <summary>Stores a backlog with the dispatcher paused, then lets it drain and checks that every attempt is logged exactly once.</summary>
    private static async Task<Measured> EngineAsync(BenchEngine engine, Receiver receiver, JsonObject data, int deliveries)
    {
        var events = deliveries / Webhooks;
        var total = events * Webhooks;
        int attemptsBefore;
        await using (var db = engine.Db())
            attemptsBefore = await db.DeliveryAttempts.CountAsync();
        var publishing = Stopwatch.StartNew();
        await engine.PublishAsync(events, EventType, data);
        var publishRate = total / publishing.Elapsed.TotalSeconds;

        receiver.Reset(total);
        engine.Logged.Reset(total);
        var cpu = Stats.CpuTime();
        await engine.StartDeliveringAsync();
        await receiver.WaitForAsync(total, TimeSpan.FromMinutes(5));
        var deadline = Stopwatch.StartNew();
        while (engine.Logged.Count < total && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(10);
        var cpuUs = (Stats.CpuTime() - cpu).TotalMicroseconds / total;
        await engine.PauseDeliveringAsync();

        await using (var db = engine.Db())
        {
            var attempts = await db.DeliveryAttempts.CountAsync() - attemptsBefore;
            var unfinished = await engine.UnfinishedAsync();
            var unique = receiver.Ids.ToArray().Distinct().Count();
            if (engine.Logged.Count != total || attempts != total || unfinished != 0 || unique != total)
                throw new InvalidOperationException($"The run is not clean: {attempts} attempts logged ({engine.Logged.Count} reported), " +
                                                    $"{unfinished} unfinished, {unique} unique webhook-ids for {total} deliveries.");
        }
        return new Measured(Stats.SteadyRate(engine.Logged.Times), cpuUs, publishRate);
    }

    private static async Task<Measured> BaselineAsync(Receiver receiver, byte[] body, int requests)
    {
        var cpu = Stats.CpuTime();
        using var client = new HttpClient();
        var done = new long[requests];
        var next = -1;
        receiver.Reset(requests);
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync($"{receiver.Url}s/{i % Webhooks}", content);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"The receiver answered {(int)response.StatusCode}.");
                done[i] = Stopwatch.GetTimestamp();
            }
        })));
        return new Measured(Stats.SteadyRate(done), (Stats.CpuTime() - cpu).TotalMicroseconds / requests);
    }
}
