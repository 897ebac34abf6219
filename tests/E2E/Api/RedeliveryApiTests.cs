using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Resend and replay over the API, against the real console and a receiver that fails, then recovers.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RedeliveryApiTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private ConsoleApp App => fixture.App;

    [Fact]
    public async Task ResendOne_ThenReplayTheFailed_WithTheSameWebhookIds_AndProgressToDone()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var healthy = false;
        receiver.Respond = (_, c) => { c.Response.StatusCode = healthy ? 200 : 503; return Task.CompletedTask; };
        using var client = App.Client();
        await using var hub = await HubListener.ConnectAsync(new Uri(App.BaseAddress, "hubs/deliveries"),
            new Dictionary<string, string> { ["X-Api-Key"] = ConsoleApp.BootstrapKey });
        var created = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "recovering " + Guid.NewGuid().ToString("N")[..6], url = receiver.Url, events = new[] { "transfer.created" },
            retrySchedule = Array.Empty<int>(),
        });
        var webhook = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("api/v1/events", new { type = "transfer.created", data = new { n = i } })).StatusCode);
        for (var i = 0; i < 3; i++)
            await hub.WaitForAsync("DeliveryStateChanged", m => m.GetProperty("webhookId").GetString() == webhook && m.GetProperty("state").GetString() == "failed", Wait);
        var failed = await client.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{webhook}/deliveries?status=failed");
        Assert.Equal(3, failed!.Length);

        // Resend one while the receiver still fails: 202, sent again with the same webhook-id, failed again.
        var first = failed[0];
        var resent = await client.PostAsync($"api/v1/deliveries/{first.GetProperty("id").GetString()}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        var answer = await resent.Content.ReadFromJsonAsync<JsonElement>();   // already pending, sending or even answered: the dispatcher is quick
        Assert.Equal(first.GetProperty("webhookId").GetString(), answer.GetProperty("webhookId").GetString());
        await receiver.WaitForRequestsAsync(4, Wait);
        Assert.Equal(first.GetProperty("webhookId").GetString(), receiver.Requests.Last().Headers["webhook-id"]);

        // The receiver recovers: replay everything that failed since the start.
        await hub.WaitForAsync("DeliveryStateChanged", m => m.GetProperty("deliveryId").GetString() == first.GetProperty("id").GetString()
                                                             && m.GetProperty("state").GetString() == "failed", Wait);
        healthy = true;
        var replay = await client.PostAsJsonAsync($"api/v1/webhooks/{webhook}/replay", new { since, status = "failed" });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var run = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, run.GetProperty("count").GetInt32());
        Assert.Equal(replay.Headers.Location!.ToString(), run.GetProperty("progress").GetString());
        for (var i = 0; i < 3; i++)
            await hub.WaitForAsync("DeliveryStateChanged", m => m.GetProperty("webhookId").GetString() == webhook && m.GetProperty("state").GetString() == "succeeded", Wait);

        var progress = await client.GetFromJsonAsync<JsonElement>(run.GetProperty("progress").GetString()!.TrimStart('/'));
        Assert.Equal((3, 0, 0, true), (progress.GetProperty("succeeded").GetInt32(), progress.GetProperty("pending").GetInt32(),
            progress.GetProperty("failed").GetInt32(), progress.GetProperty("done").GetBoolean()));
        var originalIds = failed.Select(d => d.GetProperty("webhookId").GetString()!).ToHashSet();
        Assert.Equal(originalIds, receiver.Requests.Skip(4).Select(r => r.Headers["webhook-id"]).ToHashSet());
    }

    [Fact]
    public async Task ResendAndReplay_AnswerProblems_APersonCanActOn()
    {
        using var client = App.Client();
        var created = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "off " + Guid.NewGuid().ToString("N")[..6], url = "http://127.0.0.1:9/hook", events = new[] { "transfer.created" }, enabled = false,
        });
        var webhook = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await AssertProblemAsync(await client.PostAsync($"api/v1/deliveries/{Guid.NewGuid()}/resend", null), 404, "There is no delivery");
        await AssertProblemAsync(await client.PostAsJsonAsync($"api/v1/webhooks/{webhook}/replay", new { status = "failed" }), 400, "'since' is required");
        await AssertProblemAsync(await client.PostAsJsonAsync($"api/v1/webhooks/{webhook}/replay", new { since = DateTimeOffset.UtcNow, status = "sending" }), 400,
            "'sending' cannot be replayed");
        await AssertProblemAsync(await client.PostAsJsonAsync($"api/v1/webhooks/{webhook}/replay", new { since = DateTimeOffset.UtcNow }), 409,
            "is disabled. Enable it first, then replay.");
        await AssertProblemAsync(await client.PostAsJsonAsync($"api/v1/webhooks/{Guid.NewGuid()}/replay", new { since = DateTimeOffset.UtcNow }), 404, "There is no webhook");
        await AssertProblemAsync(await client.GetAsync($"api/v1/replays/{Guid.NewGuid()}"), 404, "There is no replay");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }
}
