using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Security;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>The delivery path against real receivers on 127.0.0.1 and a real SQLite file.</summary>
public class DeliveryTests : DeliveryTestBase
{
    private async Task<(WebhookSubscription Subscription, string Secret)> SubscribeAsync(string url, params string[] events) =>
        await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("receiver", url, events, Headers: [new HeaderInput("X-Webhook-Secret", "header-secret-value")],
                TimeoutSeconds: 2, RetrySchedule: [10, 60]), "test");

    [Fact]
    public async Task Publish_FansOut_ToEnabledSubscriptionsThatChoseTheTypeOrItsAlias()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        await SubscribeAsync(Receiver.Url, "CREATE_LEAD");                       // alias → lead.created
        await SubscribeAsync(Receiver.Url, "ticket.created");                    // another type
        var (off, _) = await SubscribeAsync(Receiver.Url, "lead.created");
        await subscriptions.SetEnabledAsync(off.Id, false, "test");

        var result = await Engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["name"] = "Ana" });

        Assert.Equal(1, result.Deliveries);
        var delivery = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Pending, delivery.State);
        Assert.Equal("lead.created", JsonNode.Parse(delivery.Body)!["event"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_SameIdTwice_CreatesNoSecondDelivery()
    {
        await SubscribeAsync(Receiver.Url, "message.incoming");
        var publisher = Engine.Get<EventPublisher>();

        var first = await publisher.PublishAsync("message.incoming", new JsonObject { ["text"] = "hi" }, id: "evt-42");
        var second = await publisher.PublishAsync("message.incoming", new JsonObject { ["text"] = "hi" }, id: "evt-42");

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(1, second.Deliveries);
        await using var db = Engine.Db();
        Assert.Equal(1, await db.Deliveries.CountAsync());
    }

    [Fact]
    public async Task Publish_HonoursTheAssistantScope()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        await subscriptions.CreateAsync(new SubscriptionInput("bot A", Receiver.Url, ["MESSAGE"], AssistantId: "bot-a"), "test");
        await subscriptions.CreateAsync(new SubscriptionInput("bot B", Receiver.Url, ["MESSAGE"], AssistantId: "bot-b"), "test");

        var result = await Engine.Get<EventPublisher>().PublishAsync("MESSAGE", new JsonObject { ["botId"] = "bot-a", ["message"] = "hi" });

        Assert.Equal(1, result.Deliveries);
        await using var db = Engine.Db();
        var delivery = await db.Deliveries.SingleAsync();
        Assert.Equal("bot A", (await db.Subscriptions.SingleAsync(s => s.Id == delivery.SubscriptionId)).Name);
    }

    [Fact]
    public async Task Publish_RefusesUnknownTypesAndNonObjectData_WithFieldErrors()
    {
        var error = await Assert.ThrowsAsync<EventValidationException>(() =>
            Engine.Get<EventPublisher>().PublishAsync("message.exploded", JsonValue.Create(3)));

        Assert.Contains("message.exploded", error.Errors["type"][0]);
        Assert.Contains("object", error.Errors["data"][0]);
    }

    [Fact]
    public async Task Attempt_SendsTheStoredBytesOfTheEnvelope_SignedBothWays_WithCustomHeaders()
    {
        var (_, secret) = await SubscribeAsync(Receiver.Url, "message.incoming");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject { ["text"] = "Hello, Zoë" });
        var stored = (await OnlyDeliveryAsync()).Body;

        var attempt = await AttemptDueAsync();

        Assert.True(attempt.Succeeded, attempt.Failure);
        var request = Assert.Single(Receiver.Requests);
        Assert.Equal(stored, request.Body); // the bytes serialized at publish, neither re-encoded nor escaped
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("message.incoming", body["event"]!.GetValue<string>());
        Assert.Equal("Hello, Zoë", body["data"]!["text"]!.GetValue<string>());
        Assert.Contains("\"Hello, Zoë\"", request.Text);
        Assert.True(DateTimeOffset.TryParse(body["timestamp"]!.GetValue<string>(), out _));
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        Assert.StartsWith("WebhookConsole/", request.Headers["User-Agent"]);
        Assert.Equal("header-secret-value", request.Headers["X-Webhook-Secret"]);
        Assert.True(WebhookSigner.VerifyHex(secret, request.Body, request.Headers["X-Webhook-Signature"]));
        Assert.True(WebhookSigner.VerifyStandard(secret, request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
            request.Headers["webhook-signature"], request.Body, Engine.Time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.Equal(DeliveryState.Succeeded, (await OnlyDeliveryAsync()).State);
    }

    [Fact]
    public async Task Attempt_RecordsTheExchange_WithSecretsMasked()
    {
        Receiver.Respond = (_, c) => { c.Response.Headers["X-Receiver"] = "yes"; return c.Response.WriteAsJsonAsync(new { received = true }); };
        var (_, secret) = await SubscribeAsync(Receiver.Url, "message.incoming");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject { ["text"] = "x" });

        var attempt = await AttemptDueAsync();

        Assert.Equal(200, attempt.StatusCode);
        Assert.Contains("\"received\":true", attempt.ResponseBody);
        Assert.Contains("X-Receiver", attempt.ResponseHeaders);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(attempt.RequestHeaders)!;
        Assert.Equal("••••••••", headers["X-Webhook-Secret"]);
        Assert.Equal("••••••••", headers["X-Webhook-Signature"]);
        Assert.Equal("••••••••", headers["webhook-signature"]);
        Assert.StartsWith("msg_", headers["webhook-id"]);
        Assert.DoesNotContain("header-secret-value", attempt.RequestHeaders);
        Assert.DoesNotContain(secret, attempt.RequestHeaders);
    }

    [Fact]
    public async Task FailedAttempt_IsRetriedOnSchedule_WithTheSameWebhookId_ThenFailsForGood()
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        var (subscription, _) = await SubscribeAsync(Receiver.Url, "message.incoming");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject { ["text"] = "x" });

        var first = await AttemptDueAsync();
        var afterFirst = await OnlyDeliveryAsync();
        Assert.Equal("HTTP 500 Internal Server Error", first.Failure);
        Assert.Equal(DeliveryState.Retrying, afterFirst.State);
        Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(10), afterFirst.NextAttemptAt);

        Engine.Time.Advance(TimeSpan.FromSeconds(10));
        await AttemptDueAsync();
        Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(60), (await OnlyDeliveryAsync()).NextAttemptAt);
        Engine.Time.Advance(TimeSpan.FromSeconds(60));
        await AttemptDueAsync();

        var final = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Failed, final.State);
        Assert.Equal(3, final.AttemptCount);
        Assert.Single(Receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        var failing = await Engine.Get<SubscriptionService>().GetAsync(subscription.Id);
        Assert.Equal(SubscriptionStatus.Failing, failing!.Status);
    }

    [Fact]
    public async Task Success_AfterFailing_MakesTheSubscriptionHealthyAgain()
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 503; return Task.CompletedTask; };
        var (subscription, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: []), "test");
        var publisher = Engine.Get<EventPublisher>();
        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "a");
        await AttemptDueAsync();
        Assert.Equal(SubscriptionStatus.Failing, (await Engine.Get<SubscriptionService>().GetAsync(subscription.Id))!.Status);

        Receiver.Respond = (_, c) => c.Response.WriteAsync("ok");
        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "b");
        await AttemptDueAsync();

        Assert.Equal(SubscriptionStatus.Healthy, (await Engine.Get<SubscriptionService>().GetAsync(subscription.Id))!.Status);
    }

    [Fact]
    public async Task Attempt_DescribesFailures_InWords()
    {
        var sender = Engine.Get<WebhookSender>();
        string[] secrets = [WebhookSecret.Generate()];
        async Task<string?> FailureOf(string url, TimeSpan timeout) =>
            (await sender.SendAsync(url, "msg_1", "{}"u8.ToArray(), secrets, [], timeout, CancellationToken.None)).Failure;

        // connection refused: a port nobody listens on
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.Equal($"connection refused by 127.0.0.1:{closedPort}", await FailureOf($"http://127.0.0.1:{closedPort}/", TimeSpan.FromSeconds(5)));

        // timeout: the receiver answers after the attempt's timeout
        Receiver.Respond = async (_, c) => { await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted); };
        Assert.Equal("timeout: no complete answer within 1 s", await FailureOf(Receiver.Url, TimeSpan.FromSeconds(1)));

        // redirects are not followed
        Receiver.Respond = (_, c) => { c.Response.Redirect("https://elsewhere.example/"); return Task.CompletedTask; };
        Assert.Contains("redirects are not followed (Location: https://elsewhere.example/)", await FailureOf(Receiver.Url, TimeSpan.FromSeconds(5)));

        // DNS failure
        Assert.Equal("DNS failure: no-such-host.invalid could not be resolved",
            await FailureOf("http://no-such-host.invalid/", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Rotation_SignsWithBothSecrets_DuringTheGracePeriodOnly()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (subscription, oldSecret) = await SubscribeAsync(Receiver.Url, "message.incoming");
        var newSecret = await subscriptions.RotateSecretAsync(subscription.Id, "test");
        var publisher = Engine.Get<EventPublisher>();

        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "during");
        await AttemptDueAsync();
        var during = Receiver.Requests.Last();
        var signatures = during.Headers["webhook-signature"].Split(' ');
        Assert.Equal(2, signatures.Length);
        foreach (var secret in new[] { oldSecret, newSecret! })
            Assert.True(WebhookSigner.VerifyStandard(secret, during.Headers["webhook-id"], during.Headers["webhook-timestamp"],
                during.Headers["webhook-signature"], during.Body, Engine.Time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSigner.VerifyHex(newSecret!, during.Body, during.Headers["X-Webhook-Signature"]));

        Engine.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "after");
        await AttemptDueAsync();
        var after = Receiver.Requests.Last();
        Assert.Single(after.Headers["webhook-signature"].Split(' '));
        Assert.False(WebhookSigner.VerifyStandard(oldSecret, after.Headers["webhook-id"], after.Headers["webhook-timestamp"],
            after.Headers["webhook-signature"], after.Body, Engine.Time.GetUtcNow(), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task SendTest_DeliversTheCatalogExampleNow_MarkedAsATest()
    {
        var (subscription, _) = await SubscribeAsync(Receiver.Url, "lead.created", "ticket.created");

        var result = await Engine.Get<TestDelivery>().SendAsync(subscription.Id, eventType: null);

        Assert.True(result!.Attempt!.Succeeded);
        Assert.True(result.Attempt.IsTest);
        Assert.Equal("lead.created", result.EventType);
        var body = JsonNode.Parse(Assert.Single(Receiver.Requests).Body)!;
        Assert.Equal("Jane Smith", body["data"]!["name"]!.GetValue<string>());
        var page = await Engine.Get<DeliveryLog>().QueryAttemptsAsync(new AttemptFilter(subscription.Id), 0, 10);
        Assert.True(Assert.Single(page.Items).IsTest);
    }

    [Fact]
    public async Task PrivateHostname_IsRefusedAtDeliveryTime_UnderDefaultSettings()
    {
        await using var strict = await TestEngine.StartAsync(configure: s => s.Configure<WebhookEngineOptions>(o =>
        {
            o.AllowPrivateNetworks = false;
            o.AllowHttp = true;
        }));
        // This machine's own name resolves to one of its addresses: accepted when saved (a name, not an address),
        // it must still be refused when the connection is made (DNS can change after a webhook is saved).
        var host = System.Net.Dns.GetHostName();
        var port = new Uri(Receiver.Url).Port;
        var url = $"http://{host}:{port}/hook";
        Assert.Null(strict.Get<DestinationPolicy>().CheckUrl(url));
        var (subscription, _) = await strict.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("internal", url, ["message.incoming"]), "test");

        var result = await strict.Get<TestDelivery>().SendAsync(subscription.Id, null);

        Assert.False(result!.Attempt!.Succeeded);
        Assert.StartsWith($"refused: {host} resolves to", result.Attempt.Failure);
        Assert.Contains("Webhooks:AllowPrivateNetworks", result.Attempt.Failure);
        Assert.Empty(Receiver.Requests);
    }
}

/// <summary>The same tests on a PostgreSQL store.</summary>
public sealed class PostgresDeliveryTests : DeliveryTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSQL;
}
