using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Web.Hubs;
using WebhookConsole.Web.Components.Shared;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// A bunit context whose components get the real engine (a real SQLite file), MudBlazor, and a signed-in admin (or, after
/// <see cref="SignInAsViewer"/>, a viewer), with the <see cref="EditAccess"/> the console cascades for that person.
/// </summary>
public abstract class EngineComponentTest : BunitContext, IAsyncLifetime
{
    protected const string Admin = "ana@example.com";
    protected const string Viewer = "vera@example.com";

    /// <summary>What the pages are told the person may do; the console derives it from the role (EditAccessProvider).</summary>
    private EditAccess _access = EditAccess.Admin;

    private BunitAuthorizationContext _auth = default!;

    protected TestEngine Engine { get; private set; } = default!;

    /// <summary>The live feed the pages listen to and the engine reports to (its hub side sends nothing).</summary>
    protected DeliveryFeed Feed { get; private set; } = default!;

    /// <summary>The live feed of inbound requests (its hub side sends nothing).</summary>
    protected InboundFeed InboundFeed { get; private set; } = default!;

    /// <summary>Every query the store runs for the components, by table.</summary>
    protected CommandCounter Queries { get; } = new();

    /// <summary>The store under the components: SQLite unless a test class says PostgreSQL.</summary>
    protected virtual WebhookConsole.Engine.StoreProvider Provider => WebhookConsole.Engine.StoreProvider.Sqlite;

    public virtual async Task InitializeAsync()
    {
        // The feed is the engine's observer, as in the console: what the engine does reaches the components live.
        Feed = new DeliveryFeed(new NullDeliveriesHubContext());
        Engine = await TestEngine.StartAsync(configure: s =>
        {
            s.AddSingleton<IDeliveryObserver>(Feed);
            s.ConfigureDbContext<ConsoleDbContext>(db => db.AddInterceptors(Queries));
        }, provider: Provider);
        Services.AddMudServices();
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
        InboundFeed = new InboundFeed(new NullDeliveriesHubContext());
        Services.AddSingleton(InboundFeed);
        Services.AddSingleton(Engine.Get<MappingService>());
        Services.AddSingleton(Engine.Get<InboundWebhookService>());
        Services.AddSingleton(Engine.Get<InboundRequestLog>());
        Services.AddSingleton(Engine.Get<ContactService>());
        JSInterop.Mode = JSRuntimeMode.Loose;
        _auth = AddAuthorization();
        _auth.SetAuthorized(Admin).SetRoles(Roles.Admin);
        Services.AddCascadingValue(_ => _access);
    }

    /// <summary>Signs in a viewer instead of the admin, before anything is rendered.</summary>
    /// <param name="pagesShowEditControls">True to make the pages show their edit controls anyway (a page that got it wrong), so the server-side refusal can be tested.</param>
    protected void SignInAsViewer(bool pagesShowEditControls = false)
    {
        _auth.SetAuthorized(Viewer).SetRoles(Roles.Viewer);
        _access = pagesShowEditControls ? EditAccess.Admin : EditAccess.None;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
