using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Events;

/// <summary>Publishing several events at once: one commit, all or none, duplicates answered as such.</summary>
public sealed class PublishBatchTests : IAsyncLifetime
{
    private TestEngine _engine = default!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        foreach (var name in (string[])["crm", "shop"])
            await _engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput(name, "http://127.0.0.1:9/", ["lead.created"]), "test");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task PublishMany_StoresEveryEventAndItsDeliveries_AndAnswersRepeatedIdsAsDuplicates()
    {
        var publisher = _engine.Get<EventPublisher>();
        await publisher.PublishAsync("lead.created", new JsonObject(), id: "evt-old");

        var results = await publisher.PublishManyAsync([
            new EventInput("lead.created", new JsonObject { ["n"] = 1 }, "evt-a"),
            new EventInput("CREATE_LEAD", new JsonObject { ["n"] = 2 }),
            new EventInput("lead.created", new JsonObject(), "evt-old"),
            new EventInput("lead.created", new JsonObject { ["n"] = 1 }, "evt-a"),
            new EventInput("ticket.created", new JsonObject()),
        ]);

        Assert.Equal([(2, false), (2, false), (2, true), (2, true), (0, false)], results.Select(r => (r.Deliveries, r.Duplicate)));
        Assert.Equal("evt-a", results[0].EventId);
        Assert.StartsWith("evt_", results[1].EventId);
        await using var db = _engine.Db();
        Assert.Equal(4, await db.Events.CountAsync());
        Assert.Equal(6, await db.Deliveries.CountAsync());
    }

    [Fact]
    public async Task PublishMany_StoresNothing_WhenOneEventIsWrong()
    {
        var error = await Assert.ThrowsAsync<EventValidationException>(() => _engine.Get<EventPublisher>().PublishManyAsync([
            new EventInput("lead.created", new JsonObject()),
            new EventInput("lead.exploded", new JsonObject()),
            new EventInput("lead.created", JsonValue.Create(3)),
        ]));

        Assert.Equal(["[1].type", "[2].data"], error.Errors.Keys.Order());
        await using var db = _engine.Db();
        Assert.Equal(0, await db.Events.CountAsync());
    }

    [Fact]
    public async Task PublishMany_RefusesMoreThan500()
    {
        var many = Enumerable.Range(0, EventPublisher.MaxBatch + 1).Select(_ => new EventInput("lead.created", new JsonObject())).ToList();

        var error = await Assert.ThrowsAsync<EventValidationException>(() => _engine.Get<EventPublisher>().PublishManyAsync(many));

        Assert.Contains("events", error.Errors.Keys);
    }
}
