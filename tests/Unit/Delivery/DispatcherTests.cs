using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>The dispatcher as a running hosted service: per-endpoint limits, crash recovery and graceful stop.</summary>
public sealed class DispatcherTests
{
    [Fact]
    public void Gate_BoundsAttemptsInFlightPerEndpoint_AndSpacesRateLimitedOnes()
    {
        var time = new ManualTimeProvider();
        var gate = new EndpointGate(time);
        Guid slow = Guid.NewGuid(), limited = Guid.NewGuid();

        Assert.True(gate.TryAcquire(slow, 2, null));
        Assert.True(gate.TryAcquire(slow, 2, null));
        Assert.False(gate.TryAcquire(slow, 2, null));
        Assert.Contains(slow, gate.Blocked());
        gate.Release(slow);
        Assert.DoesNotContain(slow, gate.Blocked());
        Assert.True(gate.TryAcquire(slow, 2, null));

        Assert.True(gate.TryAcquire(limited, 10, 4));        // 4 per second: one every 250 ms
        gate.Release(limited);
        Assert.False(gate.TryAcquire(limited, 10, 4));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMilliseconds(250), gate.NextOpening());
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(gate.TryAcquire(limited, 10, 4));
    }

    [Fact]
    public async Task AnEndpointThatHangsForItsFullTimeout_TakesOnlyItsOwnSlots_WhileAHealthyOneIsDelivered()
    {
        const int timeoutSeconds = 30;   // the longest a webhook may set: room for a stalled shared machine before the bound below
        await using var engine = await TestEngine.StartAsync(options: o =>
        {
            o.MaxConcurrentPerEndpoint = 2;
            o.ShutdownGrace = TimeSpan.FromMilliseconds(100);
        });
        await using var hanging = await TestReceiver.StartAsync();
        await using var healthy = await TestReceiver.StartAsync();
        hanging.Respond = (_, c) => Task.Delay(Timeout.Infinite, c.RequestAborted);     // every request runs into the timeout
        var subscriptions = engine.Get<SubscriptionService>();
        await subscriptions.CreateAsync(new SubscriptionInput("hangs", hanging.Url, ["message.incoming"], TimeoutSeconds: timeoutSeconds, RetrySchedule: []), "test");
        await subscriptions.CreateAsync(new SubscriptionInput("healthy", healthy.Url, ["ticket.created"]), "test");
        var publisher = engine.Get<EventPublisher>();
        for (var i = 0; i < 20; i++)
            await publisher.PublishAsync("message.incoming", new JsonObject());   // first in line
        for (var i = 0; i < 40; i++)
            await publisher.PublishAsync("ticket.created", new JsonObject());
        var dispatcher = engine.Get<DeliveryDispatcher>();

        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await hanging.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
            // Isolation, as a fixed bound: every healthy delivery arrives before the hanging endpoint's first timeout could free a slot.
            await healthy.WaitForRequestsAsync(40, TimeSpan.FromSeconds(timeoutSeconds - 5));
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }

        // A fixed bound: all 40 healthy deliveries arrived before the hanging endpoint's first attempt could time out, and
        // meanwhile the hanging endpoint had its two slots and no more (a third request needs a slot freed by a timeout).
        var firstHanging = hanging.Requests.Min(r => r.ArrivedAt);
        var lastHealthy = healthy.Requests.Max(r => r.ArrivedAt);
        var healthyDone = TimeSpan.FromTicks((long)((lastHealthy - firstHanging) * (double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency));
        Assert.True(healthyDone < TimeSpan.FromSeconds(timeoutSeconds),
            $"the 40th healthy delivery arrived {healthyDone.TotalSeconds:0.000} s after the hanging endpoint's first request; " +
            $"its first timeout came at {timeoutSeconds} s, so the healthy endpoint waited for it");
        Assert.Equal(2, hanging.Requests.Count(r => r.ArrivedAt <= lastHealthy));
    }

    [Fact]
    public async Task Stopping_LetsAnAttemptInFlightFinish_WithinTheGracePeriod()
    {
        await using var engine = await TestEngine.StartAsync(options: o => o.ShutdownGrace = TimeSpan.FromMinutes(1));
        await using var receiver = await TestReceiver.StartAsync();
        var arrived = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        receiver.Respond = async (_, c) => { arrived.TrySetResult(); await release.Task; await c.Response.WriteAsync("ok"); };
        await engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", receiver.Url, ["message.incoming"], TimeoutSeconds: 30), "test");
        await engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        var dispatcher = engine.Get<DeliveryDispatcher>();
        await dispatcher.StartAsync(CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = dispatcher.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = engine.Db();
        var delivery = await db.Deliveries.SingleAsync();
        Assert.Equal(DeliveryState.Succeeded, delivery.State);
        Assert.Equal(1, await db.DeliveryAttempts.CountAsync());
    }

    [Fact]
    public async Task Stopping_PutsAnAttemptThatOutlastsTheGraceBackToPending_AndTheNextStartSendsIt()
    {
        await using var engine = await TestEngine.StartAsync(options: o => o.ShutdownGrace = TimeSpan.FromMilliseconds(200));
        await using var receiver = await TestReceiver.StartAsync();
        var arrived = new TaskCompletionSource();
        receiver.Respond = async (n, c) =>
        {
            if (n == 1) { arrived.TrySetResult(); await Task.Delay(Timeout.Infinite, c.RequestAborted); }
            await c.Response.WriteAsync("ok");
        };
        await engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", receiver.Url, ["message.incoming"], TimeoutSeconds: 30), "test");
        await engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        var dispatcher = engine.Get<DeliveryDispatcher>();
        await dispatcher.StartAsync(CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await dispatcher.StopAsync(CancellationToken.None);

        await using (var db = engine.Db())
        {
            var delivery = await db.Deliveries.SingleAsync();
            Assert.Equal(DeliveryState.Pending, delivery.State);
            Assert.Equal(0, delivery.AttemptCount);
            Assert.Equal(0, await db.DeliveryAttempts.CountAsync());
        }

        // A new dispatcher over the same store (a restart) sends it.
        using var again = ActivatorUtilities.CreateInstance<DeliveryDispatcher>(engine.Services);
        await again.StartAsync(CancellationToken.None);
        await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
        await again.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Starting_RecoversDeliveriesLeftSendingByACrash_WithoutCountingTheLostAttempt()
    {
        await using var engine = await TestEngine.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        await engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", receiver.Url, ["message.incoming"]), "test");
        await engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        await using (var db = engine.Db())
        {
            var delivery = await db.Deliveries.SingleAsync();
            DeliveryTransitions.Start(delivery);   // claimed, then the process died mid-attempt
            await db.SaveChangesAsync();
        }
        var dispatcher = engine.Get<DeliveryDispatcher>();

        await dispatcher.StartAsync(CancellationToken.None);
        await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await dispatcher.StopAsync(CancellationToken.None);

        await using var check = engine.Db();
        var attempt = await check.DeliveryAttempts.SingleAsync();
        Assert.Equal(1, attempt.Number);
        Assert.Equal(DeliveryState.Succeeded, (await check.Deliveries.SingleAsync()).State);
    }
}
