using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>What one round measured: steady deliveries per second and CPU per delivery of the engine and of the plain loop.</summary>
public sealed record ThroughputRound(double Engine, double Baseline, double PublishPerSecond, double EngineCpuUs, double BaselineCpuUs,
    double Floor, double FloorCpuUs)
{
    public double Ratio => Engine / Baseline;
    /// <summary>The plain loop that logs each attempt in the store, against the plain loop: the most any engine on this store could reach.</summary>
    public double FloorRatio => Floor / Baseline;
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
            Measured engineRun, baselineRun, floorRun;
            if (round % 2 == 1)
            {
                baselineRun = await BaselineAsync(receiver, body, settings.Deliveries);
                engineRun = await EngineAsync(engine, receiver, data, settings.Deliveries);
                floorRun = await FloorAsync(engine, receiver, data, settings.Deliveries);
            }
            else
            {
                floorRun = await FloorAsync(engine, receiver, data, settings.Deliveries);
                engineRun = await EngineAsync(engine, receiver, data, settings.Deliveries);
                baselineRun = await BaselineAsync(receiver, body, settings.Deliveries);
            }
            var result = new ThroughputRound(engineRun.Rate, baselineRun.Rate, engineRun.PublishRate, engineRun.CpuUs, baselineRun.CpuUs,
                floorRun.Rate, floorRun.CpuUs);
            rounds.Add(result);
            Console.WriteLine($"  round {round}: engine {result.Engine:N0}/s, plain HttpClient {result.Baseline:N0}/s, ratio {Stats.F(result.Ratio, "0.00")}; " +
                              $"CPU per delivery (receiver included) {result.EngineCpuUs:0} µs vs {result.BaselineCpuUs:0} µs; " +
                              $"publishing stored {result.PublishPerSecond:N0} deliveries/s");
            Console.WriteLine($"           floor (the plain loop, signing and logging each attempt with the store's own statements, no engine): " +
                              $"{result.Floor:N0}/s, ratio {Stats.F(result.FloorRatio, "0.00")}, {result.FloorCpuUs:0} µs per delivery; " +
                              $"engine to floor {Stats.F(result.Engine / result.Floor, "0.00")}");
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

    /// <summary>
    /// The floor: what logging costs, without the engine around it. A backlog stored as for the engine is claimed before the clock
    /// starts (so claims are not counted), then the plain loop's <see cref="Concurrency"/> callers each sign a delivery's body (both
    /// signature headers), POST it, and record the attempt with its request and response headers through the engine's own
    /// <see cref="IDeliveryStore.RecordAttemptAsync"/>: the same statements in the same group commit, and nothing else (no
    /// dispatcher, gate, cache, resilience pipeline, observer or metrics).
    /// </summary>
    private static async Task<Measured> FloorAsync(BenchEngine engine, Receiver receiver, JsonObject data, int deliveries)
    {
        var events = deliveries / Webhooks;
        var total = events * Webhooks;
        await engine.PublishAsync(events, EventType, data);
        var store = engine.Get<IDeliveryStore>();
        // Each webhook's first secret and its path on the receiver (s/0, s/1, …), as the engine signs and posts.
        var secrets = new Dictionary<Guid, string>();
        var paths = new Dictionary<Guid, string>();
        await using (var db = engine.Db())
        {
            var subscriptions = engine.Get<WebhookConsole.Engine.Subscriptions.SubscriptionService>();
            foreach (var subscription in await db.Subscriptions.AsNoTracking().ToListAsync())
            {
                secrets[subscription.Id] = subscriptions.ActiveSecrets(subscription)[0];
                paths[subscription.Id] = new Uri(subscription.Url).AbsolutePath.TrimStart('/');
            }
        }
        var claimed = new List<WebhookDelivery>(total);
        while (claimed.Count < total)
        {
            var rows = await store.ClaimDueAsync(new ClaimLimits(500, 500, [], new Dictionary<Guid, int>(), DateTimeOffset.UtcNow));
            if (rows.Count == 0)
                throw new InvalidOperationException($"The floor claimed {claimed.Count} of {total} deliveries.");
            claimed.AddRange(rows.Select(r => r.Delivery));
        }

        receiver.Reset(total);
        var cpu = Stats.CpuTime();
        using var client = new HttpClient();
        var done = new long[total];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var delivery = claimed[i];
                var bytes = delivery.Body;
                var secret = secrets[delivery.SubscriptionId];
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url + paths[delivery.SubscriptionId]) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("X-Webhook-Signature", WebhookConsole.Engine.Signing.WebhookSigner.HexSignature(secret, bytes));
                request.Headers.TryAddWithoutValidation("webhook-id", delivery.MessageId);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
                request.Headers.TryAddWithoutValidation("webhook-signature",
                    WebhookConsole.Engine.Signing.WebhookSigner.StandardSignatureHeader([secret], delivery.MessageId, timestamp, bytes));
                var requestHeaders = System.Text.Json.JsonSerializer.Serialize(request.Headers.Concat(request.Content.Headers)
                    .ToDictionary(h => h.Key, h => string.Join(", ", h.Value)));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                var responseBody = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"The receiver answered {(int)response.StatusCode}.");
                var now = DateTimeOffset.UtcNow;
                var attempt = new DeliveryAttempt
                {
                    DeliveryId = delivery.Id, SubscriptionId = delivery.SubscriptionId, EventType = delivery.EventType, Number = delivery.AttemptCount,
                    At = now, DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds, Succeeded = true, StatusCode = 200,
                    RequestHeaders = requestHeaders, ResponseBody = responseBody,
                    ResponseHeaders = System.Text.Json.JsonSerializer.Serialize(response.Headers.Concat(response.Content.Headers)
                        .ToDictionary(h => h.Key, h => string.Join(", ", h.Value))),
                };
                DeliveryTransitions.Succeed(delivery, now);
                await store.RecordAttemptAsync(attempt, delivery);
                done[i] = Stopwatch.GetTimestamp();
            }
        })));
        var cpuUs = (Stats.CpuTime() - cpu).TotalMicroseconds / total;
        if (await engine.UnfinishedAsync() != 0)
            throw new InvalidOperationException("The floor left deliveries unfinished.");
        return new Measured(Stats.SteadyRate(done), cpuUs);
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
