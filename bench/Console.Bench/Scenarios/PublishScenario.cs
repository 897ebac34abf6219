using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>Publish requests per second, and events per second through the batch endpoint.</summary>
public sealed record PublishResult(double RequestsPerSecond, double BatchEventsPerSecond);

/// <summary>
/// The real console as its own process (the Console.Web build beside the bench, a fresh database, fsync per 202 with group commit),
/// 4 webhooks matching every event, and 64 callers posting <c>POST /api/v1/events</c> over HTTP/1.1 for a few seconds; then
/// <c>POST /api/v1/events/batch</c> with 500 events a request. The webhooks point at the bench's receiver, so the console delivers
/// as fast as it can while it is publishing, as it would in use: publishing shares the CPU and the commits with the deliveries.
/// </summary>
public static class PublishScenario
{
    private const int Callers = 64;

    public static async Task<PublishResult> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wc-bench-publish-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var console = await ConsoleProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Console"] = $"Data Source={Path.Combine(directory, "console.db")}",
        });
        try
        {
            using var client = console.Client(Callers);
            for (var i = 0; i < 4; i++)
            {
                var created = await client.PostAsJsonAsync("api/v1/webhooks", new
                {
                    name = $"publish {i}", url = $"{receiver.Url}p/{i}", events = new[] { ThroughputScenario.EventType },
                });
                if (!created.IsSuccessStatusCode)
                    throw new InvalidOperationException($"Creating a webhook answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            }
            var body = $$$"""{"type":"{{{ThroughputScenario.EventType}}}","data":{"text":"{{{new string('x', 900)}}}"}}""";
            await PostForAsync(client, "api/v1/events", body, TimeSpan.FromSeconds(12)); // warm-up: JIT, pools
            var (requests, elapsed) = await PostForAsync(client, "api/v1/events", body, TimeSpan.FromSeconds(settings.PublishSeconds));
            var rate = requests / elapsed.TotalSeconds;
            Console.WriteLine($"publish: {requests:N0} × 202 in {elapsed.TotalSeconds:0.0} s from {Callers} callers = {rate:0}/s (4 deliveries each, stored before the 202)");

            var batch = "[" + string.Join(",", Enumerable.Repeat(body, 500)) + "]";
            var (batches, batchElapsed) = await PostForAsync(client, "api/v1/events/batch", batch, TimeSpan.FromSeconds(settings.PublishSeconds), callers: 4);
            var batchRate = batches * 500 / batchElapsed.TotalSeconds;
            Console.WriteLine($"publish batch: {batches:N0} × 500 events in {batchElapsed.TotalSeconds:0.0} s from 4 callers = {batchRate:0} events/s");
            return new PublishResult(rate, batchRate);
        }
        finally
        {
            await console.DisposeAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>Posts <paramref name="body"/> from several callers until <paramref name="duration"/> is over; every answer must be 202.</summary>
    private static async Task<(int Requests, TimeSpan Elapsed)> PostForAsync(HttpClient client, string path, string body, TimeSpan duration,
        int callers = Callers)
    {
        var count = 0;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, callers).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(path, content);
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Interlocked.Increment(ref count);
            }
        }).ToList();
        await Task.WhenAll(tasks);
        return (count, clock.Elapsed);
    }

}
