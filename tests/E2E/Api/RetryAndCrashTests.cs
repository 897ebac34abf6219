using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using Xunit.Abstractions;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>The real console process: retries on a schedule woken by Quartz, and nothing lost to <c>kill -9</c>.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RetryAndCrashTests(ITestOutputHelper output)
{
    private static async Task<string> CreateWebhookAsync(HttpClient client, string url, string eventType, int[] retrySchedule)
    {
        var response = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "receiver " + Guid.NewGuid().ToString("N")[..6], url, events = new[] { eventType }, retrySchedule, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    // The receiver has the request a moment before the console has recorded the answer.
    private static async Task<JsonElement> WaitForStateAsync(HttpClient client, string webhook, string state)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = await client.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{webhook}/deliveries?status={state}");
            if (found!.Length > 0 || deadline.Elapsed > TimeSpan.FromSeconds(30))
                return Assert.Single(found);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task FailingTwiceThenOk_IsAttemptedOnTheCustomSchedule()
    {
        using var stalls = new StallDetector();
        await using var app = new ConsoleApp();
        await app.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        var arrivals = new ConcurrentQueue<long>();
        receiver.Respond = (n, c) =>
        {
            arrivals.Enqueue(Stopwatch.GetTimestamp());
            c.Response.StatusCode = n <= 2 ? 500 : 200;
            return Task.CompletedTask;
        };
        using var client = app.Client();
        await CreateWebhookAsync(client, receiver.Url, "ticket.created", [1, 3]);

        var published = await client.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = "T-1" } });
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        await receiver.WaitForRequestsAsync(3, TimeSpan.FromSeconds(30));

        var times = arrivals.ToArray();
        AssertOnSchedule(stalls, "attempt 2", times[0], times[1], 1);
        AssertOnSchedule(stalls, "attempt 3", times[1], times[2], 3);
        Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(3, receiver.Requests.Count);
    }

    // Never sooner than the schedule minus its 10 % jitter (20 ms for the two clocks); later than its +10 % only by the time to
    // wake, claim and send, plus whatever stall the control timer measured in the same gap: a lateness it did not see is the code's.
    private void AssertOnSchedule(StallDetector stalls, string what, long previous, long arrived, int scheduleSeconds)
    {
        var gap = Stopwatch.GetElapsedTime(previous, arrived).TotalSeconds;
        var stalled = stalls.StalledBetween(previous, arrived).TotalSeconds;
        var latest = scheduleSeconds * 1.1 + RetryTiming.Allowance(stalled);
        output.WriteLine($"{what}: {gap:0.000} s after the one before (schedule {scheduleSeconds} s ±10 %; the machine stalled {stalled:0.000} s meanwhile, so at most {latest:0.000} s)");
        Assert.True(gap >= scheduleSeconds * 0.9 - 0.02, $"{what} came {gap:0.000} s after the one before: sooner than the schedule's {scheduleSeconds} s − 10 %");
        Assert.True(gap <= latest, $"{what} came {gap:0.000} s after the one before: later than the schedule's {scheduleSeconds} s + 10 % " +
                                   $"+ {RetryTiming.WakeAndSend.TotalSeconds} s to wake and send + 2 × {stalled:0.000} s the control timer saw the machine stalled");
    }

    [Fact]
    public async Task KilledMidBurst_EveryAcceptedEventIsReceivedAfterRestart_AndNothingStaysSending()
    {
        const int events = 3000;
        await using var app = new ConsoleApp();
        await app.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        var received = new ConcurrentDictionary<int, int>();   // event number → times received
        receiver.Respond = async (_, c) =>
        {
            await Task.Yield();
            c.Response.StatusCode = 200;
        };
        using var client = app.Client();
        var webhook = await CreateWebhookAsync(client, receiver.Url, "message.delivered", [1, 1, 1]);

        // Publish from 8 callers; after a third are accepted and deliveries are flowing, kill -9 mid-burst.
        var accepted = new ConcurrentBag<int>();
        var next = 0;
        var current = client;
        var restarted = new TaskCompletionSource();
        async Task PublishAsync()
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= events)
            {
                while (true)
                {
                    try
                    {
                        using var response = await current.PostAsJsonAsync("api/v1/events", new { type = "message.delivered", data = new { n } });
                        if (response.StatusCode == HttpStatusCode.Accepted)
                            accepted.Add(n);   // only a 202 means accepted
                        break;
                    }
                    catch (HttpRequestException) { await restarted.Task; }   // the console is down: try again once it is back
                }
            }
        }
        var publishers = Enumerable.Range(0, 8).Select(_ => Task.Run(PublishAsync)).ToList();
        var publishing = Task.WhenAll(publishers);
        while ((accepted.Count < events / 3 || receiver.Requests.Count < 100) && !publishing.IsCompleted)
            await Task.WhenAny(publishing, Task.Delay(20));
        var acceptedAtKill = accepted.Count;
        var receivedAtKill = receiver.Requests.Count;
        await app.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();   // whatever arrives after this, the restarted console sent
        output.WriteLine($"kill -9 with {acceptedAtKill} events accepted and {receivedAtKill} requests received");

        await app.StartAsync();
        current = app.Client();
        restarted.SetResult();   // the callers that were cut off carry on against the restarted console
        await publishing;

        var deadline = Stopwatch.StartNew();
        HashSet<int> missing;
        do
        {
            foreach (var r in receiver.Requests.Skip(received.Values.Sum()))
                received.AddOrUpdate(JsonNode.Parse(r.Text)!["data"]!["n"]!.GetValue<int>(), 1, (_, c) => c + 1);
            missing = accepted.Where(n => !received.ContainsKey(n)).ToHashSet();
            if (missing.Count > 0)
                await receiver.WaitForRequestsAsync(receiver.Requests.Count + 1, TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        } while (missing.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90));

        var uniqueIds = receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct().Count();
        var duplicates = receiver.Requests.Count - uniqueIds;
        output.WriteLine($"{accepted.Count} accepted, {uniqueIds} unique webhook-ids received, {duplicates} duplicates (at least once, not exactly once); " +
                         $"{uniqueIds - accepted.Count} stored but cut off before their 202, then published again by the caller");
        Assert.Empty(missing);
        // Duplicates, counted: only a delivery whose attempt was in flight at the kill (not yet recorded) may be sent again after
        // the restart. So a repeated webhook-id came exactly twice, once before the kill and once after, never with another event,
        // and there are no more of them than attempts the console lets be in flight at once (Webhooks:MaxConcurrentAttempts, 32).
        var byWebhookId = receiver.Requests.GroupBy(r => r.Headers["webhook-id"]).ToList();
        var repeated = byWebhookId.Where(g => g.Count() > 1).ToList();
        output.WriteLine($"{repeated.Count} webhook-ids received more than once" +
                         (repeated.Count > 0 ? $" (at most {repeated.Max(g => g.Count())} times): {string.Join(", ", repeated.Take(10).Select(g => g.Key))}" : ""));
        Assert.All(byWebhookId, g => Assert.Single(g.Select(r => JsonNode.Parse(r.Text)!["data"]!["n"]!.GetValue<int>()).Distinct()));
        Assert.All(repeated, g => Assert.True(g.Count() == 2 && g.First().ArrivedAt < killedAt && g.Last().ArrivedAt > killedAt,
            $"webhook-id {g.Key} was received {g.Count()} times, {g.Count(r => r.ArrivedAt < killedAt)} of them before the kill"));
        Assert.True(repeated.Count <= 32, $"{repeated.Count} webhook-ids were received twice; at most the 32 attempts in flight at the kill may be");
        // Every delivery ends succeeded: none left sending (or waiting) once the receiver has everything.
        var unfinished = "";
        do
        {
            unfinished = "";
            foreach (var state in new[] { "sending", "pending", "retrying" })
            {
                var left = await current.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{webhook}/deliveries?status={state}&pageSize=10");
                if (left!.Length > 0)
                    unfinished += $"{left.Length} {state} ";
            }
            if (unfinished.Length > 0)
                await receiver.WaitForRequestsAsync(receiver.Requests.Count + 1, TimeSpan.FromMilliseconds(500)).ContinueWith(_ => { });
        } while (unfinished.Length > 0 && deadline.Elapsed < TimeSpan.FromSeconds(120));
        Assert.True(unfinished.Length == 0, "still unfinished: " + unfinished);
    }
    [Fact]
    public async Task Sigterm_GivesAttemptsInFlightTheGracePeriod_ThenPutsThemBackToPending_ForTheNextStart()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(new Dictionary<string, string> { ["Webhooks__ShutdownGrace"] = "00:00:01" });
        await using var receiver = await TestReceiver.StartAsync();
        var arrived = new TaskCompletionSource();
        receiver.Respond = async (n, c) =>
        {
            if (n == 1) { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, c.RequestAborted); }   // hangs until the console gives up
        };
        using var client = app.Client();
        var webhook = await CreateWebhookAsync(client, receiver.Url, "campaign.completed", [1]);
        await client.PostAsJsonAsync("api/v1/events", new { type = "campaign.completed", data = new { campaign = "c-1" } });
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = Stopwatch.StartNew();
        await app.StopAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("Stopping: 1 attempts did not finish in time; they go back to pending", app.Output);

        await app.StartAsync();
        await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
        using var again = app.Client();
        var only = await WaitForStateAsync(again, webhook, "succeeded");
        var attempts = only.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Single(attempts);                       // the cut-off attempt was not counted
        Assert.Equal("succeeded", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
    }
}
