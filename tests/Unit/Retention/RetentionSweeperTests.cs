using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Retention;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Retention;

public sealed class RetentionSweeperTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    // Batches of 2, so every rule needs several batches.
    private static Task<TestEngine> StartAsync() =>
        TestEngine.StartAsync(configure: s => s.Configure<RetentionOptions>(o => o.BatchSize = 2));

    [Fact]
    public async Task Sweep_RemovesExactlyWhatIsPastItsTime_AndNothingUnfinished()
    {
        await using var engine = await StartAsync();
        var now = engine.Time.GetUtcNow();
        await using (var db = engine.Db())
        {
            for (var i = 0; i < 5; i++)
                AddDelivery(db, $"old-{i}", DeliveryState.Succeeded, completed: now - 31 * Day, attemptAt: now - 31 * Day);
            AddDelivery(db, "just-inside", DeliveryState.Failed, completed: now - 30 * Day + TimeSpan.FromMinutes(1), attemptAt: now - 30 * Day + TimeSpan.FromMinutes(1));
            AddDelivery(db, "retrying", DeliveryState.Retrying, completed: null, attemptAt: now - 35 * Day);
            AddDelivery(db, "pending", DeliveryState.Pending, completed: null, attemptAt: null);
            AddDelivery(db, "body-old", DeliveryState.Succeeded, completed: now - 8 * Day, attemptAt: now - 8 * Day);
            AddDelivery(db, "body-young", DeliveryState.Cancelled, completed: now - 6 * Day, attemptAt: null);
            AddInbound(db, "inbound-old", now - 31 * Day, InboundProcessing.Processed);
            AddInbound(db, "inbound-old-unprocessed", now - 31 * Day, InboundProcessing.Pending);
            AddInbound(db, "inbound-young", now - 29 * Day, InboundProcessing.Failed);
            AddSessionLog(db, "log-old", now - 31 * Day);
            AddSessionLog(db, "log-young", now - 29 * Day);
            await db.SaveChangesAsync();
        }

        var result = await engine.Get<RetentionSweeper>().SweepAsync();

        Assert.Equal(new RetentionResult(Attempts: 5, Deliveries: 5, Bodies: 2, InboundRequests: 1, SessionLogs: 1), result);
        await using var check = engine.Db();
        Assert.Equal(["body-old", "body-young", "just-inside", "pending", "retrying"],
            (await check.Deliveries.Select(d => d.EventId).ToListAsync()).Order());
        Assert.Equal(["body-old", "just-inside", "retrying"], (await check.DeliveryAttempts.Select(a => a.EventType).ToListAsync()).Order());
        var bodies = await check.Deliveries.ToDictionaryAsync(d => d.EventId, d => d.Body);
        // Finished more than 7 days ago: body removed, row and attempts kept. Unfinished or younger: body kept.
        Assert.Empty(bodies["body-old"]);
        Assert.Empty(bodies["just-inside"]);
        Assert.All(bodies.Where(b => b.Key is not ("body-old" or "just-inside")), b => Assert.NotEmpty(b.Value));
        Assert.Equal(["inbound-old-unprocessed", "inbound-young"],
            (await check.Set<InboundRequest>().Select(r => r.Result!).ToListAsync()).Order());
        Assert.Equal(["log-young"], await check.Set<SessionLogEntry>().Select(e => e.ActionName).ToListAsync());
    }

    [Fact]
    public async Task Sweep_RemovesMore_AsTheClockMovesOn()
    {
        await using var engine = await StartAsync();
        var now = engine.Time.GetUtcNow();
        await using (var db = engine.Db())
        {
            AddDelivery(db, "d", DeliveryState.Succeeded, completed: now - 6 * Day, attemptAt: now - 6 * Day);
            await db.SaveChangesAsync();
        }
        var sweeper = engine.Get<RetentionSweeper>();

        var first = await sweeper.SweepAsync();
        engine.Time.Advance(2 * Day);
        var second = await sweeper.SweepAsync();
        engine.Time.Advance(23 * Day);
        var third = await sweeper.SweepAsync();

        Assert.Equal(new RetentionResult(0, 0, 0, 0, 0), first);
        Assert.Equal(new RetentionResult(0, 0, 1, 0, 0), second);
        Assert.Equal(new RetentionResult(1, 1, 0, 0, 0), third);
    }

    [Fact]
    public async Task SweepIfDue_RunsOncePerInterval()
    {
        await using var engine = await StartAsync();
        var sweeper = engine.Get<RetentionSweeper>();

        var first = await sweeper.SweepIfDueAsync();
        engine.Time.Advance(TimeSpan.FromMinutes(9));
        var tooSoon = await sweeper.SweepIfDueAsync();
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await sweeper.SweepIfDueAsync();

        Assert.NotNull(first);
        Assert.Null(tooSoon);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Resend_IsRefused_OnceTheBodyWasRemoved()
    {
        await using var engine = await StartAsync();
        var now = engine.Time.GetUtcNow();
        Guid id;
        await using (var db = engine.Db())
        {
            var subscription = new WebhookConsole.Engine.Subscriptions.WebhookSubscription { Name = "r", Url = "http://127.0.0.1:9/", Events = ["ticket.created"], ProtectedSecret = "x" };
            db.Subscriptions.Add(subscription);
            id = AddDelivery(db, "d", DeliveryState.Failed, completed: now - 8 * Day, attemptAt: null, subscription.Id);
            await db.SaveChangesAsync();
        }
        await engine.Get<RetentionSweeper>().SweepAsync();

        var refused = await Assert.ThrowsAsync<RedeliveryException>(() => engine.Get<Redelivery>().ResendAsync(id, "test"));
        Assert.Contains("Retention:DeliveryBodies", refused.Message);
    }

    private static Guid AddDelivery(WebhookConsole.Engine.Persistence.ConsoleDbContext db, string name, DeliveryState state,
        DateTimeOffset? completed, DateTimeOffset? attemptAt, Guid? subscriptionId = null)
    {
        var delivery = new WebhookDelivery
        {
            MessageId = "msg_" + name, EventId = name, EventType = "ticket.created", Body = System.Text.Encoding.UTF8.GetBytes("{\"n\":\"" + name + "\"}"),
            SubscriptionId = subscriptionId ?? Guid.NewGuid(), State = state, CreatedAt = (completed ?? attemptAt ?? DateTimeOffset.UtcNow) - TimeSpan.FromMinutes(1),
            CompletedAt = completed, NextAttemptAt = state is DeliveryState.Pending or DeliveryState.Retrying ? completed ?? attemptAt ?? DateTimeOffset.UtcNow : null,
            AttemptCount = attemptAt is null ? 0 : 1,
        };
        db.Deliveries.Add(delivery);
        if (attemptAt is { } at)
            db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                DeliveryId = delivery.Id, SubscriptionId = delivery.SubscriptionId, EventType = name, Number = 1, At = at, RequestHeaders = "{}",
            });
        return delivery.Id;
    }

    private static void AddInbound(WebhookConsole.Engine.Persistence.ConsoleDbContext db, string name, DateTimeOffset at, InboundProcessing processing) =>
        db.Add(new InboundRequest
        {
            InboundWebhookId = Guid.NewGuid(), ReceivedAt = at, Headers = "{}", Body = [], Status = 202, Outcome = InboundOutcome.Accepted,
            Processing = processing, Result = name,
        });

    private static void AddSessionLog(WebhookConsole.Engine.Persistence.ConsoleDbContext db, string name, DateTimeOffset at) =>
        db.Add(new SessionLogEntry { SessionId = Guid.NewGuid(), ActionName = name, At = at, Method = "POST", Url = "http://127.0.0.1:9/" });
}
