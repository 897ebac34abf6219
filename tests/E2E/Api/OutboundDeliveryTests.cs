using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Publish → signed delivery → receivers that verify with libraries this project did not write.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OutboundDeliveryTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    private static async Task<(string Id, string Secret)> CreateWebhookAsync(HttpClient client, string name, params string[] events)
    {
        // Created disabled with a placeholder URL: the receiver needs the secret before it can start and tell its port.
        var response = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name, url = "http://127.0.0.1:9/placeholder", events, enabled = false, retrySchedule = new[] { 1, 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private static async Task PointAtAsync(HttpClient client, string id, string name, string url, params string[] events)
    {
        var response = await client.PutAsJsonAsync($"api/v1/webhooks/{id}", new
        {
            name, url, events, enabled = true, retrySchedule = new[] { 1, 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ThirdPartyVerifiers_AcceptEverySignature_AndRetriesKeepTheWebhookId()
    {
        using var client = App.Client();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var eventType = "session.variables_updated"; // used by no other test, so only these two webhooks receive it
        var (standardId, standardSecret) = await CreateWebhookAsync(client, "node " + tag, eventType);
        var (hexId, hexSecret) = await CreateWebhookAsync(client, "python " + tag, eventType);
        await using var standard = await ReceiverProcess.StandardAsync(standardSecret, failFirst: 2);
        await using var hex = await ReceiverProcess.HexAsync(hexSecret);
        await PointAtAsync(client, standardId, "node " + tag, standard.Url, eventType);
        await PointAtAsync(client, hexId, "python " + tag, hex.Url, eventType);

        var publish = await client.PostAsJsonAsync("api/v1/events", new
        {
            type = "VARIABLE_UPDATE", id = "e2e-" + tag,
            data = new { type = "VARIABLE_UPDATE", botId = "bot-1", sessionId = "s-1", variables = new { plan = "enterprise", note = "quote \" and ünïcode" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, publish.StatusCode);
        var accepted = await publish.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, accepted.GetProperty("deliveries").GetInt32());

        var standardRequests = await standard.WaitForRequestsAsync(3, TimeSpan.FromSeconds(30));
        var hexRequests = await hex.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));

        Assert.All(standardRequests, r => Assert.True(r.GetProperty("verified").GetBoolean(), r.ToString()));
        Assert.Single(standardRequests.Select(r => r.GetProperty("webhookId").GetString()).Distinct());
        Assert.Equal([1, 2, 3], standardRequests.Select(r => r.GetProperty("attempt").GetInt32()));
        Assert.Equal("session.variables_updated", standardRequests[0].GetProperty("event").GetString());
        Assert.True(Assert.Single(hexRequests).GetProperty("verified").GetBoolean());

        var deliveries = await WaitForDeliveryStateAsync(client, standardId, "succeeded");
        var attempts = deliveries[0].GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["failed", "failed", "succeeded"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.StartsWith("HTTP 500", attempts[0].GetProperty("failure").GetString());
        Assert.Equal(standardRequests[0].GetProperty("webhookId").GetString(), deliveries[0].GetProperty("webhookId").GetString());
    }

    private static async Task<List<JsonElement>> WaitForDeliveryStateAsync(HttpClient client, string webhookId, string state)
    {
        // The receiver has answered; the console records the attempt right after. Ask until it has (bounded).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var deliveries = await client.GetFromJsonAsync<List<JsonElement>>($"api/v1/webhooks/{webhookId}/deliveries");
            if (deliveries!.Count > 0 && deliveries[0].GetProperty("state").GetString() == state)
                return deliveries;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Delivery never reached {state}: {JsonSerializer.Serialize(deliveries)}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task SendTest_DeliversNow_AndTheHubAnnouncesTheAttempt()
    {
        using var client = App.Client();
        var (id, secret) = await CreateWebhookAsync(client, "hub " + Guid.NewGuid().ToString("N")[..6], "ticket.created");
        await using var receiver = await ReceiverProcess.StandardAsync(secret);
        await PointAtAsync(client, id, "hub", receiver.Url, "ticket.created");

        await using var hub = await HubListener.ConnectAsync(new Uri(App.BaseAddress, "hubs/deliveries"),
            new Dictionary<string, string> { ["X-Api-Key"] = ConsoleApp.BootstrapKey });

        var response = await client.PostAsJsonAsync($"api/v1/webhooks/{id}/test", new { eventType = "TICKET" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("succeeded").GetBoolean());
        Assert.Equal("ticket.created", result.GetProperty("eventType").GetString());
        Assert.True(result.GetProperty("attempt").GetProperty("isTest").GetBoolean());
        Assert.Equal(200, result.GetProperty("attempt").GetProperty("statusCode").GetInt32());
        Assert.True(Assert.Single(await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10))).GetProperty("verified").GetBoolean());
        var attempt = await hub.WaitForAsync("AttemptRecorded", a => a.GetProperty("webhookId").GetString() == id, TimeSpan.FromSeconds(10));
        Assert.Equal("succeeded", attempt.GetProperty("outcome").GetString());
        Assert.True(attempt.GetProperty("isTest").GetBoolean());
    }

    [Fact]
    public async Task Hub_RefusesAnonymousListeners()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            HubListener.ConnectAsync(new Uri(App.BaseAddress, "hubs/deliveries"), new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task PublishingAnIdTwice_CreatesNoSecondDelivery()
    {
        using var client = App.Client();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (webhookId, secret) = await CreateWebhookAsync(client, "dup " + tag, "campaign.completed");
        await using var receiver = await ReceiverProcess.StandardAsync(secret);
        await PointAtAsync(client, webhookId, "dup " + tag, receiver.Url, "campaign.completed");   // enabled: a second delivery would be stored
        var id = "dup-" + tag;

        var first = await (await client.PostAsJsonAsync("api/v1/events", new { type = "campaign.completed", id, data = new { campaign_id = "c1" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await client.PostAsJsonAsync("api/v1/events", new { type = "campaign.completed", id, data = new { campaign_id = "c2" } }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(second.GetProperty("duplicate").GetBoolean());
        Assert.Equal(id, second.GetProperty("id").GetString());
        Assert.True(first.GetProperty("deliveries").GetInt32() >= 1, first.ToString());   // ours at least (other tests' webhooks may take this type too)
        Assert.Equal(first.GetProperty("deliveries").GetInt32(), second.GetProperty("deliveries").GetInt32());
        // Deliveries are stored before the 202 (the outbox), so our webhook's list is already final: one delivery of this id, delivered once.
        var ours = (await WaitForDeliveryStateAsync(client, webhookId, "succeeded")).Where(d => d.GetProperty("eventId").GetString() == id).ToList();
        var delivery = Assert.Single(ours);
        var received = await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(15));
        var request = Assert.Single(received);
        Assert.Equal(delivery.GetProperty("webhookId").GetString(), request.GetProperty("webhookId").GetString());
        Assert.True(request.GetProperty("verified").GetBoolean());
        Assert.Contains("\"c1\"", delivery.GetProperty("body").GetString());   // the first publish's data, not the second's
    }

    [Fact]
    public async Task BrokenJson_Gets400_SayingWhere()
    {
        using var client = App.Client();

        var response = await client.PostAsync("api/v1/events",
            new StringContent("{\n  \"type\": \"message.incoming\",\n  \"data\": {\"text\": \"hi\"\n", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("line", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task InvalidWebhookAndEvent_Get400_WithAnErrorsMap()
    {
        using var client = App.Client();

        var webhook = await client.PostAsJsonAsync("api/v1/webhooks", new { name = "", url = "ftp://x", events = new[] { "nope" } });
        var publish = await client.PostAsJsonAsync("api/v1/events", new { type = "message.exploded", data = new { } });

        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        var errors = (await webhook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("url", out _));
        Assert.True(errors.TryGetProperty("events", out _));
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("message.exploded", (await publish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("type")[0].GetString());
    }
}
