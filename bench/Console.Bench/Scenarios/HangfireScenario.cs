using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Hangfire;
using Hangfire.Storage.SQLite;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>What the peer measured: durable deliveries per second once its workers ran, and how long enqueueing took.</summary>
public sealed record HangfireResult(double Rate, double EnqueuePerSecond, double CpuUs);

/// <summary>
/// The peer: the same deliveries done the way a .NET team would without the console. Hangfire 1.8 with its SQLite storage (durable:
/// every job and state change is in a SQLite file), one background job per delivery that signs the body (Standard Webhooks, with the
/// console's own signer) and POSTs it with HttpClient, retried by <see cref="AutomaticRetryAttribute"/> when the receiver fails; as
/// many workers as the console sends at once, against the same receiver, in the same run. Hangfire is given its most favourable
/// setting a team would use: its workers look for new jobs every 100 ms (the storage's default is 15 s).
/// </summary>
public static class HangfireScenario
{
    private const int Webhooks = 8;

    public static async Task<HangfireResult> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var deliveries = settings.Deliveries / 2;   // Hangfire is slower: half the size keeps the scenario short
        var body = Encoding.UTF8.GetString(EventPublisher.Envelope(ThroughputScenario.EventType, DateTimeOffset.UtcNow, ThroughputScenario.SampleData()));
        var workers = new WebhookConsole.Engine.WebhookEngineOptions().MaxConcurrentAttempts;
        Console.WriteLine($"hangfire: {deliveries:N0} deliveries to {Webhooks} webhooks as Hangfire {typeof(BackgroundJob).Assembly.GetName().Version} jobs " +
                          $"on Hangfire.Storage.SQLite, {workers} workers, body {body.Length:N0} bytes");
        var directory = Directory.CreateTempSubdirectory("bench-hangfire-");
        try
        {
            var storage = new SQLiteStorage(Path.Combine(directory.FullName, "hangfire.db"),
                new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromMilliseconds(100) });
            var jobs = new BackgroundJobClient(storage);
            var enqueueing = Stopwatch.StartNew();
            for (var i = 0; i < deliveries; i++)
            {
                var url = $"{receiver.Url}s/{i % Webhooks}";
                var id = "msg_" + Guid.NewGuid().ToString("N");
                jobs.Enqueue<HangfireDelivery>(d => d.SendAsync(url, id, body));
            }
            var enqueuePerSecond = deliveries / enqueueing.Elapsed.TotalSeconds;

            receiver.Reset(deliveries);
            var cpu = Stats.CpuTime();
            using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers, ServerName = "bench" }, storage))
                await receiver.WaitForAsync(deliveries, TimeSpan.FromMinutes(10));
            var cpuUs = (Stats.CpuTime() - cpu).TotalMicroseconds / deliveries;
            var unique = receiver.Ids.ToArray().Distinct().Count();
            if (unique != deliveries)
                throw new InvalidOperationException($"Hangfire's run is not clean: {unique} unique webhook-ids for {deliveries} deliveries.");
            var result = new HangfireResult(Stats.SteadyRate(receiver.Times.ToArray()), enqueuePerSecond, cpuUs);
            Console.WriteLine($"  Hangfire {result.Rate:N0} deliveries/s once its workers ran (enqueueing took {enqueueing.Elapsed.TotalSeconds:0.0} s, " +
                              $"{enqueuePerSecond:N0} jobs/s); CPU per delivery (receiver included) {cpuUs:0} µs");
            return result;
        }
        finally
        {
            try { directory.Delete(recursive: true); } catch (IOException) { /* Hangfire may still hold the file a moment */ }
        }
    }
}

/// <summary>One delivery as a Hangfire job: sign, POST, and throw on a failure so that Hangfire retries it.</summary>
public sealed class HangfireDelivery
{
    private static readonly HttpClient Http = new();
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [AutomaticRetry(Attempts = 3)]
    public async Task SendAsync(string url, string id, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.StandardSignatureHeader([Secret], id, timestamp, bytes));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
