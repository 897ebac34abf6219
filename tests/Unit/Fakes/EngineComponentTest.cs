using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Radzen;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>A bunit context whose components get the real engine (a real SQLite file), Radzen, and a signed-in admin.</summary>
public abstract class EngineComponentTest : BunitContext, IAsyncLifetime
{
    protected const string Admin = "ana@example.com";

    protected TestEngine Engine { get; private set; } = default!;

    /// <summary>The live feed the pages listen to and the engine reports to (its hub side sends nothing).</summary>
    protected DeliveryFeed Feed { get; private set; } = default!;

    /// <summary>The live feed of inbound requests (its hub side sends nothing).</summary>
    protected InboundFeed InboundFeed { get; private set; } = default!;

    public virtual async Task InitializeAsync()
    {
        // The feed is the engine's observer, as in the console: what the engine does reaches the components live.
        Feed = new DeliveryFeed(new NullDeliveriesHubContext());
        Engine = await TestEngine.StartAsync(configure: s => s.AddSingleton<IDeliveryObserver>(Feed));
        Services.AddRadzenComponents();
        Services.AddSingleton(Engine.Get<ApiKeyService>());
        Services.AddSingleton(Engine.Get<AuditLog>());
        Services.AddSingleton(Engine.Get<SubscriptionService>());
        Services.AddSingleton(Engine.Get<EventCatalog>());
        Services.AddSingleton(Engine.Get<DeliveryLog>());
        Services.AddSingleton(Engine.Get<TestDelivery>());
        Services.AddSingleton(Engine.Get<Redelivery>());
        Services.AddSingleton(Engine.Get<IOptions<WebhookEngineOptions>>());
        Services.AddSingleton<TimeProvider>(Engine.Time);
        Services.AddSingleton(Feed);
        InboundFeed = new InboundFeed(new NullHubContext<DeliveriesHub>());
        Services.AddSingleton(InboundFeed);
        Services.AddSingleton(Engine.Get<MappingService>());
        Services.AddSingleton(Engine.Get<InboundWebhookService>());
        Services.AddSingleton(Engine.Get<InboundRequestLog>());
        Services.AddSingleton(Engine.Get<ContactService>());
        JSInterop.Mode = JSRuntimeMode.Loose;
        AddAuthorization().SetAuthorized(Admin);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
