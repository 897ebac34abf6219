using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using Xunit.Abstractions;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>
/// A full disk loses nothing accepted: the real console on a real, small filesystem (a tmpfs of its own) fills it up, refuses
/// with 503 + Retry-After what it cannot store, delivers everything it accepted, and takes requests again by itself once space returns.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class DiskFullTests(ITestOutputHelper output)
{
    private const string FullWarning = "The store cannot write: its disk is full";
    private const string WritableAgain = "The store can write again";

    [Fact]
    public async Task FullDisk_Answers503WithRetryAfter_DeliversEverythingAccepted_AndRecoversWithoutARestart()
    {
        await using var app = new ConsoleApp();
        // Half of it ballast: once it goes, SQLite has room to copy its write-ahead log (up to a few MB) back into the database.
        await app.StartOnSmallDiskAsync(megabytes: 24, ballastMegabytes: 12);
        try
        {
            await FillRefuseAndRecoverAsync(app);
        }
        finally
        {
            output.WriteLine(app.Output);
        }
    }

    private async Task FillRefuseAndRecoverAsync(ConsoleApp app)
    {
        var pid = app.ProcessId;
        await using var receiver = await TestReceiver.StartAsync();
        // The receiver holds its answers until the disk is full: the attempts then in flight end while nothing can be
        // recorded, which is what must neither lose them nor leave them sending.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (_, c) =>
        {
            await answer.Task;
            c.Response.StatusCode = 200;
        };
        using var api = app.Client();
        var created = await api.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "disk full", url = receiver.Url, events = new[] { "ticket.created" }, retrySchedule = new[] { 1 }, timeoutSeconds = 30,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var (inboundId, inboundUrl, _) = await Inbound.CreateAsync(api, "disk full inbound");
        using var sender = new HttpClient();

        // Fill the disk: publish 40 KB events until the console says it cannot store one.
        var padding = new string('x', 40_000);
        var accepted = new List<string>();
        var n = 0;
        async Task<HttpResponseMessage> PublishAsync()
        {
            var id = $"T-{n++}";
            var response = await api.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = id, padding } });
            if (response.StatusCode == HttpStatusCode.Accepted)
                accepted.Add(id);
            return response;
        }
        HttpResponseMessage? refused = null;
        while (refused is null && n < 5_000)
            if (await PublishAsync() is { StatusCode: not HttpStatusCode.Accepted } response)
                refused = response;
        Assert.NotNull(refused);
        output.WriteLine($"{accepted.Count} events were accepted before the disk was full");
        Assert.True(accepted.Count > 10, $"only {accepted.Count} events fitted: the disk was full before the test began");
        await AssertStoreFullAsync(refused);
        // A nearly full disk still takes a small write now and then (SQLite reuses its write-ahead log once it could copy it
        // back): go on until five in a row are refused. Whatever got in meanwhile was answered 202 and must be delivered too.
        for (var inARow = 0; inARow < 5 && n < 5_200;)
        {
            var response = await PublishAsync();
            inARow = response.StatusCode == HttpStatusCode.Accepted ? 0 : inARow + 1;
            if (inARow > 0)
                await AssertStoreFullAsync(response);
        }

        // The inbound URL answers the same (a request that still fitted is answered 202 and logged, as it should be). Its
        // request log cannot hold what could not be stored: the sender's retry brings it in.
        var inboundAccepted = new List<string>();
        HttpResponseMessage? inboundRefused = null;
        string? refusedLead = null;
        for (var i = 0; inboundRefused is null && i < 50; i++)
        {
            var response = await PostInboundAsync(sender, inboundUrl, $"msg_lead_{i}", padding);
            if (response.StatusCode == HttpStatusCode.Accepted)
                inboundAccepted.Add($"msg_lead_{i}");
            else
                (inboundRefused, refusedLead) = (response, $"msg_lead_{i}");
        }
        Assert.NotNull(inboundRefused);
        await AssertStoreFullAsync(inboundRefused);
        // With every background loop meeting the full disk meanwhile (they retry every 1-2 s; this is a span of time to let
        // them, not a wait for a condition): still the one warning, and no error flood (asserted at the end).
        answer.SetResult(); // the held attempts end now, their answers not recordable
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, Count(app.Output, FullWarning));
        await AssertStoreHealthAsync(api, "Degraded", "its disk is full");

        // Space returns: no restart, the next publish and the inbound sender's retry are accepted.
        app.FreeBallast();
        var after = await WaitForAcceptedAsync(() => api.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = "T-after" } }));
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        accepted.Add("T-after");
        var retried = await WaitForAcceptedAsync(() => PostInboundAsync(sender, inboundUrl, refusedLead!, padding));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        inboundAccepted.Add(refusedLead!);

        // "Can write again" is said once writes have gone through for StoreSpace.Quiet (30 s) without a refusal: go on publishing
        // small events meanwhile, as senders would (each one accepted, and delivered like the rest).
        var said = Stopwatch.StartNew();
        while (Count(app.Output, WritableAgain) == 0 && said.Elapsed < TimeSpan.FromSeconds(90))
        {
            var id = $"T-tick-{n++}";
            var tick = await api.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = id } });
            Assert.Equal(HttpStatusCode.Accepted, tick.StatusCode); // once space returned, no more refusals
            accepted.Add(id);
            await Task.Delay(1_000);
        }
        Assert.Equal(1, Count(app.Output, WritableAgain));
        await AssertStoreHealthAsync(api, "Healthy", null);

        // Every event answered 202 reached the receiver, each delivery is recorded as succeeded, none is left sending.
        var deadline = Stopwatch.StartNew();
        HashSet<string> arrived;
        while (true)
        {
            arrived = receiver.Requests.Select(r => TicketId().Match(r.Text)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            if (accepted.All(arrived.Contains) || deadline.Elapsed > TimeSpan.FromSeconds(60))
                break;
            await Task.Delay(200);
        }
        var missing = accepted.Where(id => !arrived.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"accepted but never delivered: {string.Join(", ", missing)}");
        var states = await WaitForStatesAsync(api, webhook, accepted.Count);
        Assert.Equal(accepted.Count, states.GetValueOrDefault("succeeded"));
        Assert.Equal(0, states.GetValueOrDefault("sending"));

        // Each inbound request answered 202 is in its log once, accepted; the refused try left nothing there, its retry is the one row.
        var logged = await Inbound.WaitForRequestsAsync(api, inboundId, r => r.Count >= inboundAccepted.Count);
        Assert.Equal(inboundAccepted.Order(), logged.Select(r => r.GetProperty("deliveryId").GetString()!).Order());
        Assert.All(logged, r => Assert.Equal("accepted", r.GetProperty("outcome").GetString()));

        Assert.Equal(pid, app.ProcessId); // the same process throughout
        // Said once when the first write was refused, once when there was room again; nothing else.
        Assert.Equal(1, Count(app.Output, FullWarning));
        Assert.Equal(1, Count(app.Output, WritableAgain));
        Assert.Equal(0, Count(app.Output, "fail:")); // no error entries: no stack trace per refused write
    }

    private static async Task AssertStoreFullAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 300);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("The console cannot store anything right now", problem.GetProperty("title").GetString());
        Assert.Contains("Send it again", problem.GetProperty("detail").GetString());
    }

    // A 40 KB lead; a sender's retry carries the same delivery id.
    // /health/ready's store check: Degraded (still 200) while writes are refused, Healthy again after.
    private static async Task AssertStoreHealthAsync(HttpClient api, string status, string? says)
    {
        using var response = await api.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var store = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("store");
        Assert.Equal(status, store.GetProperty("status").GetString());
        if (says is not null)
            Assert.Contains(says, store.GetProperty("description").GetString());
    }

    private static Task<HttpResponseMessage> PostInboundAsync(HttpClient sender, string url, string deliveryId, string padding)
    {
        var body = JsonSerializer.Serialize(new { lead = deliveryId, note = padding });
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", deliveryId);
        return sender.SendAsync(request);
    }

    // Space has returned; the first write after it goes through (within the deadline, for a machine that is slow right now).
    private static async Task<HttpResponseMessage> WaitForAcceptedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.Accepted || deadline.Elapsed > TimeSpan.FromSeconds(20))
                return response;
            await Task.Delay(200);
        }
    }

    // Deliveries by state, once all of them are finished (or the deadline passed).
    private static async Task<Dictionary<string, int>> WaitForStatesAsync(HttpClient api, string webhook, int expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var states = new Dictionary<string, int>();
            for (var page = 1; ; page++)
            {
                var rows = (await api.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{webhook}/deliveries?pageSize=200&page={page}"))!;
                foreach (var row in rows)
                {
                    var state = row.GetProperty("state").GetString()!;
                    states[state] = states.GetValueOrDefault(state) + 1;
                }
                if (rows.Length < 200)
                    break;
            }
            if (states.GetValueOrDefault("succeeded") >= expected || deadline.Elapsed > TimeSpan.FromSeconds(60))
                return states;
            await Task.Delay(250);
        }
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [GeneratedRegex("\"ticket_id\":\"([^\"]+)\"")]
    private static partial Regex TicketId();
}
