using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Scheduling;

namespace WebhookConsole.Engine;

/// <summary>The engine's one entry point for dependency injection.</summary>
public static class WebhookEngineServiceCollectionExtensions
{
    /// <summary>Registers the engine: store, catalog, access, audit. Options come from <paramref name="configure"/>.</summary>
    public static IServiceCollection AddWebhookEngine(this IServiceCollection services, Action<WebhookEngineOptions>? configure = null)
    {
        var options = services.AddOptions<WebhookEngineOptions>();
        if (configure is not null)
            options.Configure(configure);
        options.Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "ConnectionStrings:Console must name a SQLite database, e.g. \"Data Source=console.db\".")
               .Validate(o => o.BootstrapApiKey is null or "" || o.BootstrapApiKey.StartsWith(ApiKeyService.KeyPrefix, StringComparison.Ordinal) && o.BootstrapApiKey.Length >= 24,
                   $"Console:ApiKeys:Bootstrap must start with '{ApiKeyService.KeyPrefix}' and be at least 24 characters long.")
               .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        // Pooled: a context is created per operation, hundreds a second under load; setting one up costs more than a query.
        services.AddPooledDbContextFactory<ConsoleDbContext>((sp, db) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookEngineOptions>>().Value;
            db.UseSqlite(o.ConnectionString);
        });
        services.AddSingleton(_ => EventCatalog.LoadEmbedded());
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<EngineInitializer>();
        services.AddSingleton<StoreWriter>();

        services.AddSingleton<DestinationPolicy>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<SubscriptionHealth>();
        services.AddSingleton<EndpointGate>();
        services.AddSingleton<DeliveryWorker>();
        services.AddSingleton<Redelivery>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<TestDelivery>();
        services.TryAddSingleton<IDeliveryObserver, NullDeliveryObserver>();
        // Quartz starts before the dispatcher (it asks Quartz for wake-ups) and stops after it.
        services.AddSingleton<ConsoleScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleScheduler>());
        services.AddSingleton<DeliveryDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        services.AddInbound();
        services.AddHttpClient(WebhookSender.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan) // the Polly pipeline times each attempt
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.CreateHandler(sp.GetRequiredService<DestinationPolicy>()))
            .RemoveAllLoggers(); // every attempt is in the delivery log; four Information lines each would flood the console's log
        services.AddAssistants();
        return services;
    }
}
