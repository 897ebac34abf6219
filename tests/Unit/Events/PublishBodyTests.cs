using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Events;

/// <summary>An event's body is serialized once, to UTF-8 bytes, when it is published.</summary>
public sealed class PublishBodyTests
{
    [Fact]
    public async Task Publish_SerializesTheEnvelopeOnce_ForEveryWebhookWithoutAMapping_AndEachMappedBodyApart()
    {
        await using var engine = await TestEngine.StartAsync();
        var subscriptions = engine.Get<SubscriptionService>();
        foreach (var name in (string[])["crm", "shop", "erp"])
            await subscriptions.CreateAsync(new SubscriptionInput(name, "http://127.0.0.1:9/", ["lead.created"]), "test");
        var mapping = await engine.Get<MappingService>().CreateAsync(new MappingInput("CRM shape", [new("data.name", "customer.name")]), "test");
        var (mapped, _) = await subscriptions.CreateAsync(
            new SubscriptionInput("mapped", "http://127.0.0.1:9/", ["lead.created"], MappingId: mapping.Id), "test");
        var store = new RecordingDeliveryStore(engine.Get<IDeliveryStore>());
        var publisher = ActivatorUtilities.CreateInstance<EventPublisher>(engine.Services, store);

        await publisher.PublishAsync("lead.created", new JsonObject { ["name"] = "Zoë" });

        var plain = store.Enqueued.Where(d => d.SubscriptionId != mapped.Id).Select(d => d.Body).ToList();
        Assert.Equal(3, plain.Count);
        Assert.All(plain, body => Assert.Same(plain[0], body)); // one array, not one copy per webhook
        Assert.Contains("\"data\":{\"name\":\"Zoë\"}", Encoding.UTF8.GetString(plain[0]));
        var shaped = store.Enqueued.Single(d => d.SubscriptionId == mapped.Id).Body;
        Assert.Equal("""{"customer":{"name":"Zoë"}}""", Encoding.UTF8.GetString(shaped));
    }
}
