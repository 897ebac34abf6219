using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Tests.Unit.Fakes;
using static WebhookConsole.Tests.Unit.Fakes.InboundHelpers;

namespace WebhookConsole.Tests.Unit.Inbound;

/// <summary>Receiving: what is logged, what the sender is answered, and what is deduplicated (real SQLite file).</summary>
public sealed class InboundReceiverTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private InboundReceiver Receiver => _engine.Get<InboundReceiver>();

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<List<InboundRequest>> LogAsync()
    {
        await using var db = _engine.Db();
        return await db.Set<InboundRequest>().OrderBy(r => r.ReceivedAt).ThenBy(r => r.Status).ToListAsync();
    }

    [Fact]
    public async Task Receive_StoresTheRequest_AndAnswers202WithItsId_BeforeProcessing()
    {
        var (_, token) = await _engine.CreateInboundAsync();

        var receipt = await Receiver.ReceiveAsync(Post(token, Seed004.Lead, "application/json", ("X-Forwarded-For", "34.93.136.15")));

        Assert.Equal(202, receipt.Status);
        var stored = Assert.Single(await LogAsync());
        Assert.Equal(receipt.RequestId, stored.Id);
        Assert.Equal(InboundOutcome.Accepted, stored.Outcome);
        Assert.Equal(InboundProcessing.Pending, stored.Processing);
        Assert.Equal(Seed004.Lead, InboundRequestLog.BodyText(stored));
        Assert.Equal("34.93.136.15", JsonDocument.Parse(stored.Headers).RootElement.GetProperty("X-Forwarded-For").GetString());
    }

    [Fact]
    public async Task Receive_MalformedJson_Is400WithLineAndColumn_AndTheRawBodyIsKept()
    {
        var (_, token) = await _engine.CreateInboundAsync();

        var receipt = await Receiver.ReceiveAsync(Post(token, Seed004.AsPrinted));

        Assert.Equal(400, receipt.Status);
        Assert.Contains("line 143, column 11", receipt.Detail);
        var stored = Assert.Single(await LogAsync());
        Assert.Equal(InboundOutcome.Malformed, stored.Outcome);
        Assert.Equal(InboundProcessing.None, stored.Processing);
        Assert.Equal(Seed004.AsPrinted, InboundRequestLog.BodyText(stored));
        Assert.Contains("line 143, column 11", stored.Error);
    }

    [Fact]
    public async Task Receive_TooLarge_Is413_AndLogged()
    {
        var (_, token) = await _engine.CreateInboundAsync();

        var receipt = await Receiver.ReceiveAsync(Post(token, "{}") with { Body = new byte[100], BodyLength = 2_000_000, TooLarge = true });

        Assert.Equal(413, receipt.Status);
        Assert.Contains("at most 1,048,576", receipt.Detail);
        var stored = Assert.Single(await LogAsync());
        Assert.Equal((InboundOutcome.TooLarge, 2_000_000L, true), (stored.Outcome, stored.BodyLength, stored.BodyTruncated));
    }

    [Fact]
    public async Task Receive_SameDeliveryIdTwice_AnswersTheFirstId_AndQueuesItOnce()
    {
        var (_, token) = await _engine.CreateInboundAsync();

        var first = await Receiver.ReceiveAsync(Post(token, """{"a":1}""", "application/json", ("Idempotency-Key", "lead-42")));
        var again = await Receiver.ReceiveAsync(Post(token, """{"a":1}""", "application/json", ("Idempotency-Key", "lead-42")));
        var other = await Receiver.ReceiveAsync(Post(token, """{"a":1}""", "application/json", ("Idempotency-Key", "lead-43")));

        Assert.Equal(first.RequestId, again.RequestId);
        Assert.True(again.Duplicate);
        Assert.NotEqual(first.RequestId, other.RequestId);
        var log = await LogAsync();
        Assert.Equal(3, log.Count); // the duplicate is logged too
        Assert.Equal(2, log.Count(r => r.Processing == InboundProcessing.Pending));
        Assert.Equal(first.RequestId, log.Single(r => r.Outcome == InboundOutcome.Duplicate).DuplicateOf);
    }

    [Fact]
    public async Task Receive_UnknownDisabledAndOldTokens_Get404_WithTheSameWords_AndNothingLogged()
    {
        var (webhook, token) = await _engine.CreateInboundAsync();
        var (off, offToken) = await _engine.CreateInboundAsync("off");
        await _engine.Get<InboundWebhookService>().SetEnabledAsync(off.Id, false, "test");
        var renewed = await _engine.Get<InboundWebhookService>().RegenerateTokenAsync(webhook.Id, "test");

        var unknown = await Receiver.ReceiveAsync(Post(InboundToken.Generate(), "{}"));
        var disabled = await Receiver.ReceiveAsync(Post(offToken, "{}"));
        var old = await Receiver.ReceiveAsync(Post(token, "{}"));
        var current = await Receiver.ReceiveAsync(Post(_engine.Get<InboundWebhookService>().Token(renewed!), "{}"));

        Assert.Equal(unknown, disabled);
        Assert.Equal(unknown, old);
        Assert.Equal(404, unknown.Status);
        Assert.Equal(202, current.Status);
        Assert.Single(await LogAsync());
    }

    [Fact]
    public async Task Receive_WrongHeaderToken_Is401_Logged_WithTheTokenMasked()
    {
        var (_, token) = await _engine.CreateInboundAsync(verification: InboundVerification.HeaderToken, header: "X-Auth", secret: "expected-token-123");

        var refused = await Receiver.ReceiveAsync(Post(token, "{}", "application/json", ("X-Auth", "guessed-token-456")));
        var accepted = await Receiver.ReceiveAsync(Post(token, "{}", "application/json", ("X-Auth", "expected-token-123")));

        Assert.Equal((401, 202), (refused.Status, accepted.Status));
        var log = await LogAsync();
        Assert.Equal(InboundOutcome.Unauthorized, log.Single(r => r.Status == 401).Outcome);
        Assert.All(log, r => Assert.Equal(InboundHeaders.Masked, JsonDocument.Parse(r.Headers).RootElement.GetProperty("X-Auth").GetString()));
        Assert.DoesNotContain(log, r => r.Headers.Contains("token-"));
    }

    [Fact]
    public async Task Receive_StandardWebhooks_UsesTheEngineClock_ForTheFiveMinuteTolerance()
    {
        var secret = WebhookSecret.Generate();
        var (_, token) = await _engine.CreateInboundAsync(verification: InboundVerification.StandardWebhooks, secret: secret);
        var sentAt = _engine.Time.GetUtcNow().ToUnixTimeSeconds();
        (string, string)[] Signed(string id) =>
        [
            ("webhook-id", id), ("webhook-timestamp", sentAt.ToString()),
            ("webhook-signature", WebhookSigner.StandardSignature(secret, id, sentAt, "{}"u8)),
        ];

        var fresh = await Receiver.ReceiveAsync(Post(token, "{}", "application/json", Signed("msg_1")));
        _engine.Time.Advance(TimeSpan.FromMinutes(6));
        var replayed = await Receiver.ReceiveAsync(Post(token, "{}", "application/json", Signed("msg_2")));

        Assert.Equal(202, fresh.Status);
        Assert.Equal(401, replayed.Status);
        Assert.Contains("within 5 minutes", replayed.Detail);
    }
}
