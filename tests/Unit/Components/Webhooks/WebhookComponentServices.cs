using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Radzen;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

/// <summary>What the webhook pages inject, taken from a real test engine.</summary>
internal static class WebhookComponentServices
{
    public static DeliveryFeed AddWebhookPages(this IServiceCollection services, TestEngine engine)
    {
        var feed = new DeliveryFeed(new NullDeliveriesHubContext());
        services.AddRadzenComponents();
        services.AddSingleton(engine.Get<SubscriptionService>());
        services.AddSingleton(engine.Get<EventCatalog>());
        services.AddSingleton(engine.Get<DeliveryLog>());
        services.AddSingleton(engine.Get<TestDelivery>());
        services.AddSingleton(engine.Get<IOptions<WebhookEngineOptions>>());
        services.AddSingleton<TimeProvider>(engine.Time);
        services.AddSingleton(feed);
        return feed;
    }
}
