using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>Resend one delivery and replay a subscription's failed deliveries: same webhook-id, schedule started over, progress counted.</summary>
public sealed class RedeliveryTests : DeliveryTestBase
{
    [Fact]
    public async Task Resend_SendsTheSameWebhookIdAgain_AndStartsTheScheduleOver()
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: [10]), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        Engine.Time.Advance(TimeSpan.FromSeconds(10));
        await AttemptDueAsync();
        var failed = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Failed, failed.State);

        await Engine.Get<Redelivery>().ResendAsync(failed.Id, "ana@example.com");
        var queued = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Pending, queued.State);
        Assert.Equal(Engine.Time.GetUtcNow(), queued.NextAttemptAt);

        var third = await AttemptDueAsync();   // still failing: the schedule starts over, so a retry in 10 s
        Assert.Equal(3, third.Number);
        var retrying = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Retrying, retrying.State);
        Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(10), retrying.NextAttemptAt);

        Receiver.Respond = (_, c) => c.Response.WriteAsync("ok");
        await Engine.Get<Redelivery>().ResendAsync(failed.Id, "ana@example.com"); // "send now" while retrying
        Assert.True((await AttemptDueAsync()).Succeeded);
        Assert.Equal(DeliveryState.Succeeded, (await OnlyDeliveryAsync()).State);
        Assert.Single(Receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(4, Receiver.Requests.Count);
    }

    [Fact]
    public async Task Resend_IsRefused_WithAReason_WhilePendingOrWhenTheWebhookIsDisabled()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (s, _) = await subscriptions.CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"]), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        var pending = await OnlyDeliveryAsync();
        var redelivery = Engine.Get<Redelivery>();

        var busy = await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ResendAsync(pending.Id, "ana"));
        Assert.Equal("The delivery is already pending; wait for its attempt to finish.", busy.Message);

        await AttemptDueAsync();
        await subscriptions.SetEnabledAsync(s.Id, false, "ana");
        var off = await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ResendAsync(pending.Id, "ana"));
        Assert.Equal("The webhook 'r' is disabled. Enable it first, then resend.", off.Message);
        Assert.True((await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ResendAsync(Guid.NewGuid(), "ana"))).NotFound);

        await subscriptions.SetEnabledAsync(s.Id, true, "ana");
        var test = await Engine.Get<TestDelivery>().SendAsync(s.Id, null);
        var once = await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ResendAsync(test!.Attempt!.DeliveryId, "ana"));
        Assert.Equal("A \"Send test\" delivery is tried once; use Send test again instead.", once.Message);
    }

    [Fact]
    public async Task Replay_QueuesTheFailedDeliveriesInTheRange_AndCountsItsProgress()
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        var (s, _) = await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: []), "test");
        var publisher = Engine.Get<EventPublisher>();
        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "before");
        await AttemptDueAsync();
        Engine.Time.Advance(TimeSpan.FromHours(1));
        var since = Engine.Time.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync("message.incoming", new JsonObject(), id: $"in-range-{i}");
            await AttemptDueAsync();
        }
        Receiver.Respond = (_, c) => c.Response.WriteAsync("ok");
        await publisher.PublishAsync("message.incoming", new JsonObject(), id: "succeeded");
        await AttemptDueAsync();

        var redelivery = Engine.Get<Redelivery>();
        var run = await redelivery.ReplayAsync(s.Id, since, null, [DeliveryState.Failed], "ana@example.com");

        Assert.Equal(3, run.Count);
        var started = (await redelivery.ProgressAsync(run.Id))!;
        Assert.Equal((3, 0, 0, false), (started.Pending, started.Succeeded, started.Failed, started.Done));
        for (var i = 0; i < 3; i++)
            Assert.True((await AttemptDueAsync()).Succeeded);
        var done = (await redelivery.ProgressAsync(run.Id))!;
        Assert.Equal((0, 3, 0, true), (done.Pending, done.Succeeded, done.Failed, done.Done));

        await using var db = Engine.Db();
        var before = await db.Deliveries.SingleAsync(d => d.EventId == "before");
        Assert.Equal(DeliveryState.Failed, before.State);   // outside the range: left alone
        var replayedIds = Receiver.Requests.Skip(5).Select(r => r.Headers["webhook-id"]).ToHashSet();
        var originalIds = Receiver.Requests.Skip(1).Take(3).Select(r => r.Headers["webhook-id"]).ToHashSet();
        Assert.Equal(originalIds, replayedIds);              // the same webhook-ids as the first time
    }

    [Fact]
    public async Task Replay_RefusesARangeThatEndsBeforeItStarts_AndADisabledWebhook()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (s, _) = await subscriptions.CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"]), "test");
        var now = Engine.Time.GetUtcNow();
        var redelivery = Engine.Get<Redelivery>();

        var backwards = await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ReplayAsync(s.Id, now, now.AddHours(-1), null, "ana"));
        Assert.Equal("'until' must be later than 'since'.", backwards.Message);
        await subscriptions.SetEnabledAsync(s.Id, false, "ana");
        var off = await Assert.ThrowsAsync<RedeliveryException>(() => redelivery.ReplayAsync(s.Id, now, null, null, "ana"));
        Assert.Contains("is disabled", off.Message);
    }
}
