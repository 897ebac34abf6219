using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Persistence;

/// <summary>
/// The hot path's statements (<see cref="IDeliveryStore"/>), the same promises on each store: the one-statement claim and the
/// attempt record, on a real SQLite file and on a real PostgreSQL database.
/// </summary>
public abstract class DeliveryStoreTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private IDeliveryStore Store => _engine.Get<IDeliveryStore>();

    protected abstract StoreProvider Provider { get; }

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync(provider: Provider);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<Guid> SubscribeAsync(string name, int? maxConcurrency = null, int? rate = null) =>
        (await _engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput(name, "http://127.0.0.1:9/", ["lead.created"],
            MaxConcurrency: maxConcurrency, RateLimitPerSecond: rate), "test")).Subscription.Id;

    private async Task PublishAsync(int events)
    {
        for (var i = 0; i < events; i++)
            await _engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["n"] = i });
    }

    private ClaimLimits Limits(int max, IReadOnlyCollection<Guid>? blocked = null, IReadOnlyDictionary<Guid, int>? room = null) =>
        new(max, PerEndpoint: 8, blocked ?? [], room ?? new Dictionary<Guid, int>(), _engine.Time.GetUtcNow());

    [Fact]
    public async Task ClaimDue_TakesNoMoreThanEachEndpointsRoom_AndNoneOfABlockedOne()
    {
        var two = await SubscribeAsync("two at once", maxConcurrency: 2);
        var limited = await SubscribeAsync("rate-limited", rate: 5);
        var blocked = await SubscribeAsync("blocked");
        var busy = await SubscribeAsync("three in flight");
        await PublishAsync(10);

        var claimed = await Store.ClaimDueAsync(Limits(32, blocked: [blocked], room: new Dictionary<Guid, int> { [busy] = 5 }));

        var perEndpoint = claimed.GroupBy(c => c.Delivery.SubscriptionId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, perEndpoint[two]);
        Assert.Equal(1, perEndpoint[limited]);
        Assert.Equal(5, perEndpoint[busy]);
        Assert.False(perEndpoint.ContainsKey(blocked));
        Assert.All(claimed, c => Assert.Equal((DeliveryState.Sending, 1), (c.Delivery.State, c.Delivery.AttemptCount)));
        await using var db = _engine.Db();
        Assert.Equal(8, await db.Deliveries.CountAsync(d => d.State == DeliveryState.Sending));
        Assert.Equal(32, await db.Deliveries.CountAsync(d => d.State == DeliveryState.Pending && d.AttemptCount == 0));
    }

    [Fact]
    public async Task ClaimDue_StopsAtMax_EarliestFirst_AndLeavesWhatIsNotDueYet()
    {
        var webhook = await SubscribeAsync("one");
        await PublishAsync(3);
        _engine.Time.Advance(TimeSpan.FromSeconds(1));
        await PublishAsync(3);
        await using (var db = engine().Db())
            await db.Deliveries.Where(d => d.CreatedAt > _engine.Time.GetUtcNow() - TimeSpan.FromMilliseconds(1))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1)));

        var first = await Store.ClaimDueAsync(Limits(2));
        var rest = await Store.ClaimDueAsync(Limits(8));

        Assert.Equal(2, first.Count);
        Assert.Single(rest); // the third of the first three; the later three are not due
        Assert.All(first.Concat(rest), c => Assert.Equal(webhook, c.Delivery.SubscriptionId));
        Assert.Empty(await Store.ClaimDueAsync(Limits(8)));
        TestEngine engine() => _engine;
    }

    [Fact]
    public async Task Enqueue_StoresTheBodyAsBytes_AndTheClaimReadsThemBackUnchanged()
    {
        await SubscribeAsync("one");
        await _engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["name"] = "Zoë" });

        var claimed = (await Store.ClaimDueAsync(Limits(8))).Single().Delivery;

        Assert.Equal(_engine.Provider == StoreProvider.Sqlite ? "blob" : "bytea", await _engine.BodyTypeAsync());
        await using var db = _engine.Db();
        Assert.Equal(await db.Deliveries.Select(d => d.Body).SingleAsync(), claimed.Body);
        Assert.Equal("Zoë", JsonNode.Parse(claimed.Body)!["data"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecordAttempt_StoresTheAttemptTheNewStateAndTheHealth_InOneWrite()
    {
        var webhook = await SubscribeAsync("failing");
        await PublishAsync(1);
        var claimed = (await Store.ClaimDueAsync(Limits(8))).Single();
        Assert.NotNull(claimed.Subscription);
        var delivery = claimed.Delivery;
        var now = _engine.Time.GetUtcNow();
        DeliveryTransitions.Fail(delivery, retryAt: null, now);

        var recorded = await Store.RecordAttemptAsync(new DeliveryAttempt
        {
            DeliveryId = delivery.Id, SubscriptionId = webhook, EventType = delivery.EventType, Number = 1, At = now, DurationMs = 4,
            Succeeded = false, StatusCode = 500, Failure = "HTTP 500 Internal Server Error", RequestHeaders = "{}",
        }, delivery);

        Assert.True(recorded.AttemptId > 0);
        Assert.Equal((true, now), (recorded.SubscriptionEnabled, recorded.FailureStreakSince));
        await using var db = _engine.Db();
        var stored = await db.Deliveries.SingleAsync();
        Assert.Equal((DeliveryState.Failed, now), (stored.State, stored.CompletedAt));
        var attempt = await db.DeliveryAttempts.SingleAsync();
        Assert.Equal((recorded.AttemptId, 500, "HTTP 500 Internal Server Error"), (attempt.Id, attempt.StatusCode, attempt.Failure));
        var subscription = await db.Subscriptions.SingleAsync();
        Assert.Equal((now, now, now), (subscription.FailingSince, subscription.FailureStreakSince, subscription.LastDeliveryAt));
    }

    [Fact]
    public async Task SaveState_ChangesOnlyADeliveryStillSending()
    {
        await SubscribeAsync("one");
        await PublishAsync(1);
        var delivery = (await Store.ClaimDueAsync(Limits(8))).Single().Delivery;
        var stale = new WebhookDelivery
        {
            Id = delivery.Id, MessageId = delivery.MessageId, EventId = delivery.EventId, EventType = delivery.EventType,
            SubscriptionId = delivery.SubscriptionId, Body = delivery.Body, State = DeliveryState.Sending, AttemptCount = 1,
        };
        DeliveryTransitions.Release(delivery, _engine.Time.GetUtcNow());
        await Store.SaveStateAsync(delivery);
        DeliveryTransitions.Cancel(stale, _engine.Time.GetUtcNow()); // a claim that no longer holds it

        await Store.SaveStateAsync(stale);

        await using var db = _engine.Db();
        var stored = await db.Deliveries.SingleAsync();
        Assert.Equal((DeliveryState.Pending, 0), (stored.State, stored.AttemptCount));
    }
}

public sealed class SqliteDeliveryStoreTests : DeliveryStoreTests
{
    protected override StoreProvider Provider => StoreProvider.Sqlite;
}

public sealed class PostgresDeliveryStoreTests : DeliveryStoreTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSQL;
}
