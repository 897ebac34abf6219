using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Persistence.PostgreSql;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Persistence;

/// <summary>
/// Two nodes on one real PostgreSQL database (two engines, each with its own name, clock and pools): claims that exclude each
/// other, leases that lapse and are taken over, tokens that keep a node that lost its claim from overwriting the other's result,
/// limits that hold for the cluster, the once-at-a-time lock, and NOTIFY between the nodes.
/// </summary>
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private TestEngine _a = default!;
    private TestEngine _b = default!;

    public async Task InitializeAsync()
    {
        _a = await TestEngine.StartAsync(provider: StoreProvider.PostgreSQL, options: o => (o.NodeName, o.LeaseDuration) = ("node-a", Lease));
        _b = await TestEngine.StartAsync(onDatabase: _a.Postgres, options: o => (o.NodeName, o.LeaseDuration) = ("node-b", Lease));
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    private async Task<Guid> SubscribeAsync(int? maxConcurrency = null, int? rate = null) =>
        (await _a.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("shared", "http://127.0.0.1:9/", ["lead.created"],
            MaxConcurrency: maxConcurrency, RateLimitPerSecond: rate), "test")).Subscription.Id;

    private async Task PublishAsync(int events)
    {
        for (var i = 0; i < events; i++)
            await _a.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["n"] = i });
    }

    private static Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(TestEngine node, int max = 32) =>
        node.Get<IDeliveryStore>().ClaimDueAsync(new ClaimLimits(max, 8, [], new Dictionary<Guid, int>(), node.Time.GetUtcNow()));

    [Fact]
    public async Task AClaim_CarriesItsNodeATokenAndALease_AndTheOtherNodeCannotTakeItWhileTheLeaseHolds()
    {
        await SubscribeAsync();
        await PublishAsync(3);

        var byA = await ClaimAsync(_a);
        var byB = await ClaimAsync(_b);

        Assert.Equal(3, byA.Count);
        Assert.Empty(byB);
        await using var db = _a.Db();
        var rows = await db.Deliveries.ToListAsync();
        Assert.All(rows, d => Assert.Equal((DeliveryState.Sending, "node-a", _a.Time.GetUtcNow() + Lease), (d.State, d.ClaimedBy, d.LeaseExpiresAt)));
        Assert.Equal(3, rows.Select(d => d.ClaimToken).Distinct().Count());
        Assert.Equal(byA.Select(c => c.Delivery.ClaimToken).Order(), rows.Select(d => d.ClaimToken).Order());
    }

    [Fact]
    public async Task ALapsedLease_IsTakenOverByTheOtherNode_AndTheNodeThatLostIt_CannotOverwriteTheResult()
    {
        var webhook = await SubscribeAsync();
        await PublishAsync(1);
        var lost = (await ClaimAsync(_a)).Single().Delivery;

        _b.Time.Advance(Lease + TimeSpan.FromSeconds(1)); // node A stalled: it did not renew
        var taken = (await ClaimAsync(_b)).Single().Delivery;
        Assert.Equal(lost.Id, taken.Id);
        Assert.NotEqual(lost.ClaimToken, taken.ClaimToken);
        Assert.Equal(1, taken.AttemptCount); // A's unfinished attempt is not counted twice

        // B delivers it; then A, back from its stall, records its failed attempt with the token it had.
        DeliveryTransitions.Succeed(taken, _b.Time.GetUtcNow());
        await _b.Get<IDeliveryStore>().RecordAttemptAsync(Attempt(taken, webhook, succeeded: true, _b.Time.GetUtcNow()), taken);
        DeliveryTransitions.Fail(lost, retryAt: _a.Time.GetUtcNow() + TimeSpan.FromMinutes(1), _a.Time.GetUtcNow());
        var late = await _a.Get<IDeliveryStore>().RecordAttemptAsync(Attempt(lost, webhook, succeeded: false, _a.Time.GetUtcNow()), lost);

        await using var db = _a.Db();
        var stored = await db.Deliveries.SingleAsync();
        Assert.Equal((DeliveryState.Succeeded, null, null), (stored.State, stored.ClaimedBy, stored.ClaimToken));
        Assert.Equal(2, await db.DeliveryAttempts.CountAsync()); // both attempts happened, so both are in the log
        Assert.True(late.AttemptId > 0);
    }

    [Fact]
    public async Task ANodeRenewingItsLeases_KeepsItsClaims()
    {
        // A third node whose renewal timer runs on a clock the test moves (the other two have clocks without timers).
        var clock = new FakeTimeProvider(_b.Time.GetUtcNow());
        await using var c = await TestEngine.StartAsync(onDatabase: _a.Postgres,
            configure: s => s.AddSingleton<TimeProvider>(clock), options: o => (o.NodeName, o.LeaseDuration) = ("node-c", Lease));
        await SubscribeAsync();
        await PublishAsync(2);
        var claimed = await c.Get<IDeliveryStore>().ClaimDueAsync(new ClaimLimits(32, 8, [], new Dictionary<Guid, int>(), clock.GetUtcNow()));
        Assert.Equal(2, claimed.Count);
        var first = clock.GetUtcNow() + Lease;
        await using var cluster = new RunningCluster(c);

        await Until(async () =>
        {
            clock.Advance(Lease / 3); // the renewal timer's turn (again, until it has run: it starts in the background)
            await using var db = _a.Db();
            return await db.Deliveries.AllAsync(d => d.LeaseExpiresAt > first);
        });

        _b.Time.Advance(Lease + TimeSpan.FromSeconds(1)); // past the first lease, not the renewed one
        Assert.Empty(await ClaimAsync(_b));
    }

    [Fact]
    public async Task AWebhooksConcurrencyLimit_HoldsForTheCluster_NotPerNode()
    {
        await SubscribeAsync(maxConcurrency: 3);
        await PublishAsync(10);

        var byA = await ClaimAsync(_a);
        var byB = await ClaimAsync(_b);
        Assert.Equal((3, 0), (byA.Count, byB.Count));

        // One of A's finishes: the cluster has room for one more, whichever node asks.
        var done = byA[0].Delivery;
        DeliveryTransitions.Succeed(done, _a.Time.GetUtcNow());
        await _a.Get<IDeliveryStore>().RecordAttemptAsync(Attempt(done, done.SubscriptionId, succeeded: true, _a.Time.GetUtcNow()), done);
        Assert.Single(await ClaimAsync(_b));
        Assert.Empty(await ClaimAsync(_a));
    }

    [Fact]
    public async Task AWebhooksRateLimit_SpacesAttemptsAcrossTheCluster()
    {
        await SubscribeAsync(rate: 2); // one every 500 ms, whichever node sends
        await PublishAsync(5);

        Assert.Single(await ClaimAsync(_a));
        Assert.Empty(await ClaimAsync(_b));
        _b.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Empty(await ClaimAsync(_b));
        _b.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(await ClaimAsync(_b));
    }

    [Fact]
    public async Task AnExclusiveJob_RunsOnOneNodeAtATime()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var onA = _a.Get<ICluster>().RunExclusiveAsync("retention", async _ =>
        {
            running.SetResult();
            await finish.Task;
        });
        await running.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var ranOnB = 0;
        Assert.False(await _b.Get<ICluster>().RunExclusiveAsync("retention", _ => { ranOnB++; return Task.CompletedTask; }));
        Assert.True(await _b.Get<ICluster>().RunExclusiveAsync("subscription-health", _ => Task.CompletedTask)); // another job's lock
        finish.SetResult();
        Assert.True(await onA);
        Assert.True(await _b.Get<ICluster>().RunExclusiveAsync("retention", _ => { ranOnB++; return Task.CompletedTask; }));
        Assert.Equal(1, ranOnB);
    }

    [Fact]
    public async Task WhatOneNodeDoes_ReachesTheOther_ThroughNotify_TheLiveLogAndAWakeUp()
    {
        var feedOfB = new RecordingObserver();
        _b.Get<PostgresCluster>().Share(feedOfB);
        var signalOfB = _b.Get<DeliverySignal>();
        await using var a = new RunningCluster(_a);
        await using var b = new RunningCluster(_b);
        await Wakes(signalOfB); // the first look after it began to listen

        await SubscribeAsync();
        await PublishAsync(1); // on A
        await Wakes(signalOfB);

        var tellA = _a.Get<PostgresCluster>().Share(new RecordingObserver());
        var attempt = new AttemptRecorded(42, Guid.NewGuid(), Guid.NewGuid(), "lead.created", 1, "succeeded", 200, 12, _a.Time.GetUtcNow(), false, null);
        tellA.AttemptRecorded(attempt);
        Assert.Equal(attempt, await feedOfB.Attempts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AWebhookCreatedOnOneNode_IsPublishedToByTheOther_WhoseCopyOfTheWebhooksWasOlder()
    {
        await using var a = new RunningCluster(_a);
        await using var b = new RunningCluster(_b);
        var cacheOfB = _b.Get<SubscriptionCache>();
        Assert.Empty(await cacheOfB.EnabledAsync()); // B has read the webhooks: none yet

        var webhook = await SubscribeAsync(); // on A

        await Until(async () => (await cacheOfB.EnabledAsync()).Count == 1);
        var published = await _b.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["n"] = 1 });
        await using var db = _a.Db();
        Assert.Equal(webhook, (await db.Deliveries.SingleAsync()).SubscriptionId);
        Assert.NotNull(published);
    }

    // B's clock never moves, so its wait ends only when it is woken (the real-time bound only fails the test).
    private Task Wakes(DeliverySignal signal) =>
        signal.WaitAsync(TimeSpan.FromHours(1), _b.Time, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

    private static DeliveryAttempt Attempt(WebhookDelivery delivery, Guid webhook, bool succeeded, DateTimeOffset at) => new()
    {
        DeliveryId = delivery.Id, SubscriptionId = webhook, EventType = delivery.EventType, Number = delivery.AttemptCount, At = at, DurationMs = 3,
        Succeeded = succeeded, StatusCode = succeeded ? 200 : 500, Failure = succeeded ? null : "HTTP 500", RequestHeaders = "{}",
    };

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 10 s");
            await Task.Delay(20);
        }
    }

    /// <summary>The node's cluster service (LISTEN, NOTIFY, lease renewal) running for the test.</summary>
    private sealed class RunningCluster : IAsyncDisposable
    {
        private readonly PostgresCluster _cluster;

        public RunningCluster(TestEngine node)
        {
            _cluster = node.Get<PostgresCluster>();
            _cluster.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        public async ValueTask DisposeAsync() => await _cluster.StopAsync(CancellationToken.None);
    }

    private sealed class RecordingObserver : IDeliveryObserver
    {
        public System.Threading.Channels.Channel<AttemptRecorded> Attempts { get; } = System.Threading.Channels.Channel.CreateUnbounded<AttemptRecorded>();
        public void AttemptRecorded(AttemptRecorded attempt) => Attempts.Writer.TryWrite(attempt);
        public void DeliveryStateChanged(DeliveryStateChanged change) { }
    }
}
