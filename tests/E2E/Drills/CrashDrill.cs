using System.Diagnostics;
using System.Text.RegularExpressions;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using Xunit.Abstractions;

namespace WebhookConsole.Tests.E2E.Drills;

/// <summary>
/// The crash drill: the real console under steady load is killed with SIGKILL (<c>kill -9</c>) five times at random moments and
/// started again on the same database. Every event it accepted must reach both webhooks at least once, nothing may stay pending,
/// sending or retrying, and no request may be answered with a 5xx. Duplicates (at least once, not exactly once) are counted.
/// Set DRILL_SEED to repeat a run's kill moments.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class CrashDrill(ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int EventsBetweenKills = 100;
    private const string EventType = "message.delivered";

    [Fact]
    public async Task KilledFiveTimesUnderLoad_EveryAcceptedEventArrivesOnEveryWebhook_AndNothingIsLeftUnfinished()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DRILL_SEED"), out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        await using var app = new ConsoleApp();
        await app.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (_, c) =>
        {
            c.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var client = app.Client();
        string[] paths = ["/hook/a", "/hook/b"];
        var webhooks = new List<string>();
        foreach (var path in paths)
            webhooks.Add(await DrillLoad.CreateWebhookAsync(client, "crash drill " + path, receiver.Url.Replace("/hook", path), EventType, [1, 1, 1]));

        // Steady load from 8 callers. Each kill comes once the console has accepted at least 100 more events since it was back
        // (how fast that is, is the bench's business, not this drill's), then 0 to 1 s later, at a random point of the load.
        var load = new DrillLoad(EventType, "crash", callers: 8, pause: TimeSpan.FromMilliseconds(20));
        load.Start(client);
        var drill = Stopwatch.StartNew();
        for (var kill = 1; kill <= Kills; kill++)
        {
            var before = load.Accepted.Count;
            var loading = Stopwatch.StartNew();
            while (load.Accepted.Count < before + EventsBetweenKills && loading.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(50);
            Assert.True(load.Accepted.Count >= before + EventsBetweenKills,
                $"the console accepted only {load.Accepted.Count - before} events in 60 s after start #{kill}");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 1000)));
            var (accepted, received) = (load.Accepted.Count, receiver.Requests.Count);
            load.Down();
            await app.KillAsync();
            var restarting = Stopwatch.StartNew();
            await app.StartAsync();
            client = app.Client();
            load.Up(client);
            output.WriteLine($"kill -9 #{kill} at {drill.Elapsed.TotalSeconds:0.0} s: {accepted} events accepted, {received} requests received so far; " +
                             $"back in {restarting.Elapsed.TotalSeconds:0.0} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        await load.StopAsync();

        // Every accepted event on every webhook, within a generous deadline for the backlog.
        var deadline = Stopwatch.StartNew();
        var missing = Missing(load, receiver, paths);
        while (missing.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await receiver.WaitForRequestsAsync(receiver.Requests.Count + 1, TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
            missing = Missing(load, receiver, paths);
        }
        var unfinished = "";
        do
        {
            unfinished = string.Join("; ", (await Task.WhenAll(webhooks.Select(w => DrillLoad.UnfinishedAsync(client, w, "pending", "sending", "retrying"))))
                .Where(u => u.Length > 0));
            if (unfinished.Length > 0)
                await Task.Delay(250);
        } while (unfinished.Length > 0 && deadline.Elapsed < TimeSpan.FromSeconds(120));

        var requests = receiver.Requests.ToArray();
        var uniqueIds = requests.Select(r => r.Headers["webhook-id"]).Distinct().Count();
        var duplicates = requests.Length - uniqueIds;
        var mostTimes = requests.GroupBy(r => r.Headers["webhook-id"]).Max(g => g.Count());
        var recovered = RecoveredLine().Matches(app.Output).Sum(m => int.Parse(m.Groups[1].Value));
        output.WriteLine($"crash drill: {Kills} kills in {drill.Elapsed.TotalSeconds:0} s; {load.Accepted.Count} events accepted, " +
                         $"{requests.Length} requests for {uniqueIds} deliveries ({paths.Length} webhooks); {duplicates} duplicates " +
                         $"(at most {mostTimes} of one webhook-id); {recovered} deliveries found sending at restarts and sent again; " +
                         $"{missing.Count} missing; {(unfinished.Length == 0 ? "none" : unfinished)} unfinished; {load.ServerErrors.Count} 5xx");

        Assert.Empty(load.ServerErrors);
        Assert.Empty(load.Refused);
        Assert.True(missing.Count == 0, $"{missing.Count} accepted deliveries never arrived, e.g. {string.Join(", ", missing.Take(10))}");
        Assert.True(unfinished.Length == 0, "still unfinished: " + unfinished);
        // Each event was stored once (a lost 202 was answered "duplicate" on the retry), so exactly one delivery per event and webhook.
        Assert.Equal(load.Accepted.Count * paths.Length, uniqueIds);
        Assert.True(load.Accepted.Count >= 500, $"only {load.Accepted.Count} events were published: not much of a load");
    }

    private static List<string> Missing(DrillLoad load, TestReceiver receiver, string[] paths)
    {
        var arrived = receiver.Requests.Select(r => (r.Path, DrillLoad.NumberOf(r.Body))).ToHashSet();
        return load.Accepted.Keys.SelectMany(n => paths.Where(p => !arrived.Contains((p, n))).Select(p => $"{p}#{n}")).ToList();
    }

    [GeneratedRegex(@"Recovered (\d+) deliveries left sending")]
    private static partial Regex RecoveredLine();
}
