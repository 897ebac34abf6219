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
using WebhookConsole.Engine.Telemetry;
using WebhookConsole.Engine.Retention;

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
        services.AddMetrics();
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<Backlog>();
        services.AddSingleton<BacklogGauges>();
        services.AddOptions<RetentionOptions>()
            .Validate(o => o.Attempts > TimeSpan.Zero && o.DeliveryBodies > TimeSpan.Zero && o.InboundRequests > TimeSpan.Zero && o.SessionLogs > TimeSpan.Zero,
                "Retention:Attempts, DeliveryBodies, InboundRequests and SessionLogs must be positive time spans, e.g. \"30.00:00:00\" for 30 days.")
            .Validate(o => o.Interval >= TimeSpan.FromMinutes(1), "Retention:Interval must be at least a minute, e.g. \"00:10:00\".")
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Retention:BatchSize must be between 1 and 10000.")
            .ValidateOnStart();
        services.AddSingleton<RetentionSweeper>();
        services.AddSingleton<StoreSpace>();
        services.AddSingleton<StoreSpaceInterceptor>();
        // Pooled: a context is created per operation, hundreds a second under load; setting one up costs more than a query.
        services.AddPooledDbContextFactory<ConsoleDbContext>((sp, db) =>
        {
            var o = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookEngineOptions>>().Value;
            db.UseSqlite(o.ConnectionString).AddInterceptors(sp.GetRequiredService<StoreSpaceInterceptor>())
                // A failed command is the caller's to report: the API answers it (a full store: 503, said once by StoreSpace;
                // anything else is logged as unhandled), a background loop logs it. EF Core's own error entries, a stack trace
                // per failed write, would flood the log while the disk is full.
                .ConfigureWarnings(w => w.Log(
                    (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, Microsoft.Extensions.Logging.LogLevel.Debug),
                    (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, Microsoft.Extensions.Logging.LogLevel.Debug)));
        });
        services.AddSingleton(_ => EventCatalog.LoadEmbedded());
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<EngineInitializer>();
        services.AddSingleton<StoreWriter>();
        services.AddSingleton<IDeliveryStore, Persistence.Sqlite.SqliteDeliveryStore>();
        services.AddSingleton<SubscriptionCache>();

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
        services.AddSingleton<Health.ConsoleHealth>();
        services.AddSingleton<TestDelivery>();
        services.TryAddSingleton<IDeliveryObserver, NullDeliveryObserver>();
        // Quartz starts before the dispatcher (it asks Quartz for wake-ups) and stops after it.
        ConsoleScheduler.Register(services);
        services.AddSingleton<DeliveryDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        services.AddInbound();
        OutboundHttp.Register(services);
        services.AddAssistants();
        return services;
    }
}
