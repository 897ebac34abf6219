using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using Xunit.Abstractions;

namespace WebhookConsole.Tests.E2E.Drills;

/// <summary>
/// The scale-out drill (#14): real console processes ("nodes") on one PostgreSQL database, each on its own 127.0.0.1 port. A node
/// killed with SIGKILL mid-burst loses its claims to the others once its lease runs out, and only what it had in flight may arrive
/// twice; a webhook's concurrency limit holds for all nodes together; a sign-in and a webhook secret made on one node work on
/// another after the first is gone (the Data Protection keys live in the database). Each test has a database of its own on the
/// CONSOLE_TEST_POSTGRES server (scripts/test.sh starts one).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScaleOutDrill(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly string[] ThreeNodes = ["node-a", "node-b", "node-c"];

    [Fact]
    public async Task ANodeKilledMidBurst_LosesItsClaimsToTheOthers_AndOnlyWhatItHadInFlightArrivesTwice()
    {
        const string eventType = "message.delivered";
        const int events = 3_000;
        const int killAfter = 1_000;
        await using var cluster = await ConsoleCluster.CreateAsync(Lease);
        await cluster.StartAsync(ThreeNodes);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = async (_, c) =>
        {
            await Task.Delay(20); // a receiver that takes a moment, so every node has attempts in flight when one dies
            c.Response.StatusCode = 200;
        };
        string[] paths = ["/hook/a", "/hook/b", "/hook/c", "/hook/d"];
        using var admin = cluster["node-a"].Client();
        foreach (var path in paths)
            await DrillLoad.CreateWebhookAsync(admin, "scale-out " + path, receiver.Url.Replace("/hook", path), eventType, [1, 1, 1]);

        // 9 callers, 3 a node; node-c is killed once 1,000 events are accepted, and its callers move to the other nodes.
        var clients = ThreeNodes.Select(n => cluster[n].Client()).ToArray();
        var load = new DrillLoad(eventType, "scale-out", callers: 9, pause: TimeSpan.FromMilliseconds(5), total: events);
        var drill = Stopwatch.StartNew();
        load.Start(clients);
        while (load.Accepted.Count < killAfter && drill.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(20);
        Assert.True(load.Accepted.Count >= killAfter, $"the three nodes accepted only {load.Accepted.Count} events in 60 s");
        // Killed while it holds claims: what the drill is about is what becomes of them.
        const string nodeCSending = """SELECT count(*) FROM "Deliveries" WHERE "State" = 'Sending' AND "ClaimedBy" = 'node-c'""";
        for (var waiting = Stopwatch.StartNew(); await cluster.Database.ScalarAsync<long>(nodeCSending) == 0 && waiting.Elapsed < TimeSpan.FromSeconds(10);)
            await Task.Delay(5);
        var acceptedAtKill = load.Accepted.Count;
        await cluster["node-c"].KillAsync();
        var killedAt = drill.Elapsed;
        // What node-c was sending when it died is all that may arrive twice: it may have reached the receiver, unrecorded.
        var inFlight = await cluster.Database.ScalarAsync<long>(nodeCSending);
        Assert.True(inFlight > 0, "node-c held no claim at the kill, so the drill did not test what becomes of them");
        load.Up(clients[0], clients[1]);
        var reclaimed = ReclaimedAsync(cluster.Database, "node-c", drill, TimeSpan.FromSeconds(120));
        output.WriteLine($"kill -9 node-c at {killedAt.TotalSeconds:0.0} s: {acceptedAtKill} events accepted, {receiver.Requests.Count} requests " +
                         $"received so far; node-c had {inFlight} deliveries in flight");

        await load.Completion.WaitAsync(TimeSpan.FromSeconds(120));
        var published = drill.Elapsed;
        var arrivals = new Arrivals(receiver, paths);
        var missing = arrivals.Missing(load.Accepted.Keys);
        while (missing.Count > 0 && drill.Elapsed - published < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(250);
            missing = arrivals.Missing(load.Accepted.Keys);
        }
        var drained = drill.Elapsed;
        var unfinished = await UnfinishedAsync(cluster.Database, TimeSpan.FromSeconds(30));
        missing = arrivals.Missing(load.Accepted.Keys); // and what arrived meanwhile: a late duplicate counts too
        var reclaimedAt = await reclaimed;
        var states = await cluster.Database.CountsAsync("""SELECT "State", count(*) FROM "Deliveries" GROUP BY "State" """);
        var claimed = await cluster.Database.ScalarAsync<long>("""SELECT count(*) FROM "Deliveries" WHERE "ClaimedBy" IS NOT NULL""");

        var accepted = load.Accepted.Count;
        output.WriteLine($"scale-out drill: {accepted} events accepted ({string.Join(", ", load.AcceptedBy.Select(a => $"{NodeOf(cluster, a.Key)} {a.Value}"))}; " +
                         $"{load.Moves} moves to another node) in {published.TotalSeconds:0.0} s; {arrivals.Requests} requests received for " +
                         $"{arrivals.Distinct} deliveries ({paths.Length} webhooks; {arrivals.PerPath()}); {arrivals.Duplicates} duplicates " +
                         $"(node-c had {inFlight} in flight at the kill; none left claimed by it {Since(reclaimedAt, killedAt)} after the kill, " +
                         $"lease {Lease.TotalSeconds:0} s); all arrived {drained.TotalSeconds - killedAt.TotalSeconds:0.0} s after the kill, " +
                         $"{drained.TotalSeconds - published.TotalSeconds:0.0} s after the last publish; {missing.Count} missing; " +
                         $"deliveries by state: {Describe(states)}; {claimed} still with a ClaimedBy; {load.ServerErrors.Count} 5xx");

        Assert.Empty(load.ServerErrors);
        Assert.Empty(load.Refused);
        Assert.Equal(events, accepted);
        Assert.All(clients, c => Assert.True(load.AcceptedBy.GetValueOrDefault(c.BaseAddress!) > 0, $"{NodeOf(cluster, c.BaseAddress!)} accepted no event"));
        Assert.True(missing.Count == 0, $"{missing.Count} of {accepted * paths.Length} accepted deliveries never arrived within 120 s " +
                                        $"({arrivals.Distinct} did; {arrivals.PerPath()}), e.g. {string.Join(", ", missing.Take(10))}");
        // Each event was stored once (one whose 202 was lost and was published again to another node was answered as a duplicate).
        Assert.Equal(accepted * paths.Length, arrivals.Distinct);
        Assert.True(arrivals.Duplicates <= inFlight,
            $"{arrivals.Duplicates} deliveries arrived more than once, but node-c had only {inFlight} in flight when it was killed: " +
            "a live node sent something another node was sending, or sent a finished delivery again");
        Assert.True(unfinished.Count == 0, $"deliveries left unfinished (a claim outlived its lease?): {Describe(unfinished)}");
        Assert.Equal(accepted * paths.Length, states.GetValueOrDefault("Succeeded"));
    }

    [Fact]
    public async Task AWebhookLimitedToEightAtOnce_GetsAtMostEightAtOnce_FromThreeNodesTogether()
    {
        const string eventType = "ticket.created";
        const int events = 400;
        const int limit = 8;
        await using var cluster = await ConsoleCluster.CreateAsync(Lease);
        await cluster.StartAsync(ThreeNodes);
        await using var receiver = await TestReceiver.StartAsync();
        int open = 0, mostOpen = 0;
        receiver.Respond = async (_, c) =>
        {
            var now = Interlocked.Increment(ref open);
            for (var most = Volatile.Read(ref mostOpen); now > most; most = Volatile.Read(ref mostOpen))
                Interlocked.CompareExchange(ref mostOpen, now, most);
            try { await Task.Delay(150); }
            finally { Interlocked.Decrement(ref open); }
            c.Response.StatusCode = 200;
        };
        using var admin = cluster["node-a"].Client();
        await DrillLoad.CreateWebhookAsync(admin, "eight at once", receiver.Url, eventType, [1, 1, 1], maxConcurrency: limit);

        // Which nodes are sending, sampled from the database meanwhile: the limit must hold for them together.
        using var stop = new CancellationTokenSource();
        var sendersSeen = new Dictionary<string, long>();
        var mostSending = 0L;
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sending = await cluster.Database.CountsAsync(
                    """SELECT "ClaimedBy", count(*) FROM "Deliveries" WHERE "State" = 'Sending' GROUP BY "ClaimedBy" """);
                foreach (var (node, count) in sending)
                    sendersSeen[node] = sendersSeen.GetValueOrDefault(node) + 1;
                mostSending = Math.Max(mostSending, sending.Values.Sum());
                await Task.Delay(100);
            }
        });

        var clients = ThreeNodes.Select(n => cluster[n].Client()).ToArray();
        var load = new DrillLoad(eventType, "limited", callers: 6, pause: TimeSpan.Zero, total: events);
        var drill = Stopwatch.StartNew();
        load.Start(clients);
        await load.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        var published = drill.Elapsed;
        var arrivals = new Arrivals(receiver, ["/hook"]);
        var missing = arrivals.Missing(load.Accepted.Keys);
        while (missing.Count > 0 && drill.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(250);
            missing = arrivals.Missing(load.Accepted.Keys);
        }
        var drained = drill.Elapsed;
        await stop.CancelAsync();
        await sampling;
        var unfinished = await UnfinishedAsync(cluster.Database, TimeSpan.FromSeconds(15));
        missing = arrivals.Missing(load.Accepted.Keys);

        output.WriteLine($"concurrency drill: {load.Accepted.Count} events accepted in {published.TotalSeconds:0.0} s, all delivered after " +
                         $"{drained.TotalSeconds:0.0} s ({events * 0.150 / limit:0.0} s at the least, {limit} at a time × 150 ms); " +
                         $"{arrivals.Requests} requests for {arrivals.Distinct} deliveries; at most {mostOpen} open at the receiver at once " +
                         $"(limit {limit}); at most {mostSending} rows 'Sending' in a sample; nodes seen sending (samples): {Describe(sendersSeen)}; " +
                         $"{missing.Count} missing; unfinished: {Describe(unfinished)}");

        Assert.Empty(load.ServerErrors);
        Assert.Empty(load.Refused);
        Assert.True(missing.Count == 0, $"{missing.Count} of {load.Accepted.Count} events never arrived within 90 s, e.g. {string.Join(", ", missing.Take(10))}");
        Assert.Equal(events, arrivals.Distinct);
        Assert.True(mostOpen <= limit, $"{mostOpen} requests were open at once at a webhook limited to {limit}");
        Assert.True(mostOpen >= 5, $"at most {mostOpen} requests were open at once: the limit of {limit} was never approached, so this proved nothing");
        Assert.True(sendersSeen.Count >= 2, $"only {Describe(sendersSeen)} was seen sending: the limit was not exercised across nodes");
        Assert.True(unfinished.Count == 0, $"deliveries left unfinished: {Describe(unfinished)}");
    }

    [Fact]
    public async Task ASignInAndAWebhookSecretMadeOnNodeA_WorkOnNodeB_AfterNodeAStopped()
    {
        const string eventType = "campaign.completed";
        await using var cluster = await ConsoleCluster.CreateAsync(Lease);
        await cluster.StartAsync(["node-a", "node-b"]);
        var (a, b) = (cluster["node-a"], cluster["node-b"]);

        // Signed in through node A, the way the sign-in form does it: node A sets the cookie.
        using var form = new SignInForm(a.BaseAddress);
        using (var signIn = await form.PostAsync(ConsoleApp.AdminEmail, ConsoleApp.AdminPassword))
            Assert.True(signIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther,
                $"signing in through node A answered {(int)signIn.StatusCode}, not a redirect: {await signIn.Content.ReadAsStringAsync()}");
        var cookie = form.Cookies.GetCookieHeader(a.BaseAddress);
        Assert.Contains("webhookconsole.auth=", cookie);

        // A webhook with its secret, created on node A over the API (disabled until its receiver, which needs the secret, tells its port).
        using var apiA = a.Client();
        using var created = await apiA.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "made on node A", url = "http://127.0.0.1:9/placeholder", events = new[] { eventType }, enabled = false,
            retrySchedule = new[] { 1, 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (id, secret) = (webhook.GetProperty("id").GetString()!, webhook.GetProperty("secret").GetString()!);
        await using var standard = await ReceiverProcess.StandardAsync(secret);
        using var pointed = await apiA.PutAsJsonAsync($"api/v1/webhooks/{id}", new
        {
            name = "made on node A", url = standard.Url, events = new[] { eventType }, enabled = true, retrySchedule = new[] { 1, 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.OK, pointed.StatusCode);

        await a.StopAsync(TimeSpan.FromSeconds(30));

        // The keys both nodes use are in the database, one ring, encrypted with the certificate: no key material in the clear.
        var keys = await cluster.Database.CountsAsync("""SELECT "Xml" LIKE '%<encryptedSecret%' AND "Xml" NOT LIKE '%<masterKey%<value>%', count(*) FROM "DataProtectionKeys" GROUP BY 1""");
        Assert.Equal(["True"], keys.Keys); // every key encrypted (the nodes may have made more than one between them)

        // Node B takes node A's cookie: a signed-in-only page and the API answer 200 with it, where without it the page sends to /login.
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = b.BaseAddress };
        async Task<HttpResponseMessage> GetAsync(string path, string? withCookie)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (withCookie is not null)
                request.Headers.Add("Cookie", withCookie);
            return await browser.SendAsync(request);
        }
        using (var signedOut = await GetAsync("settings/webhooks", withCookie: null))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.Contains("/login", signedOut.Headers.Location?.ToString());
        }
        using (var page = await GetAsync("settings/webhooks", cookie))
            Assert.True(page.StatusCode == HttpStatusCode.OK,
                $"node B answered {(int)page.StatusCode} {page.Headers.Location} to node A's sign-in cookie, not 200: it cannot read node A's cookie");
        using (var api = await GetAsync("api/v1/webhooks", cookie))
            Assert.True(api.StatusCode == HttpStatusCode.OK, $"node B's API answered {(int)api.StatusCode} to node A's sign-in cookie");

        // Node B delivers with the secret node A stored, and the official standardwebhooks package verifies the signature.
        using var apiB = b.Client();
        using var publish = await apiB.PostAsJsonAsync("api/v1/events", new { type = eventType, id = "after-node-a", data = new { campaign = "spring" } });
        Assert.Equal(HttpStatusCode.Accepted, publish.StatusCode);
        Assert.Equal(1, (await publish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveries").GetInt32());
        var received = (await standard.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30)))[0];
        output.WriteLine($"node B delivered node A's webhook: {received}");
        Assert.True(received.GetProperty("verified").GetBoolean(), $"the signature node B made did not verify: {received.GetProperty("error")}");
        Assert.Equal(eventType, received.GetProperty("event").GetString());
    }

    /// <summary>When (on <paramref name="drill"/>'s clock) no delivery was left sending under <paramref name="node"/>'s claim; null if not within <paramref name="timeout"/>.</summary>
    private static async Task<TimeSpan?> ReclaimedAsync(TestPostgres database, string node, Stopwatch drill, TimeSpan timeout)
    {
        var waiting = Stopwatch.StartNew();
        while (waiting.Elapsed < timeout)
        {
            if (await database.ScalarAsync<long>($"""SELECT count(*) FROM "Deliveries" WHERE "State" = 'Sending' AND "ClaimedBy" = '{node}'""") == 0)
                return drill.Elapsed;
            await Task.Delay(250);
        }
        return null;
    }

    private static string Since(TimeSpan? at, TimeSpan since) => at is { } t ? $"{(t - since).TotalSeconds:0.0} s" : "never";

    /// <summary>Waits up to <paramref name="timeout"/> for no delivery to be pending, sending or retrying; returns those left, by state.</summary>
    private static async Task<Dictionary<string, long>> UnfinishedAsync(TestPostgres database, TimeSpan timeout)
    {
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            var unfinished = await database.CountsAsync(
                """SELECT "State", count(*) FROM "Deliveries" WHERE "State" IN ('Pending', 'Sending', 'Retrying') GROUP BY "State" """);
            if (unfinished.Count == 0 || waiting.Elapsed > timeout)
                return unfinished;
            await Task.Delay(250);
        }
    }

    private static string Describe(Dictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"));

    private static string NodeOf(ConsoleCluster cluster, Uri address) =>
        cluster.Nodes.FirstOrDefault(n => n.Value.BaseAddress == address).Key ?? address.ToString();

    /// <summary>What a <see cref="TestReceiver"/> got, read incrementally: which (path, event number) arrived, and each webhook-id.</summary>
    private sealed class Arrivals(TestReceiver receiver, string[] paths)
    {
        private readonly HashSet<(string Path, int N)> _arrived = [];
        private readonly HashSet<string> _webhookIds = [];
        private readonly Dictionary<string, HashSet<string>> _webhookIdsByPath = paths.ToDictionary(p => p, _ => new HashSet<string>());

        public int Requests { get; private set; }

        /// <summary>Distinct webhook-ids: one per delivery (event × webhook).</summary>
        public int Distinct => _webhookIds.Count;

        /// <summary>Requests beyond the first of their webhook-id.</summary>
        public int Duplicates => Requests - Distinct;

        public string PerPath() => string.Join(", ", _webhookIdsByPath.Select(p => $"{p.Key} {p.Value.Count}"));

        /// <summary>The accepted events' deliveries that have not arrived yet, as "path#n".</summary>
        public List<string> Missing(ICollection<int> accepted)
        {
            foreach (var request in receiver.Requests.Skip(Requests))
            {
                var webhookId = request.Headers["webhook-id"];
                _arrived.Add((request.Path, DrillLoad.NumberOf(request.Body)));
                _webhookIds.Add(webhookId);
                if (_webhookIdsByPath.TryGetValue(request.Path, out var ids))
                    ids.Add(webhookId);
                Requests++;
            }
            return accepted.SelectMany(n => paths.Where(p => !_arrived.Contains((p, n))).Select(p => $"{p}#{n}")).ToList();
        }
    }
}
