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
        // Which store decides which services exist, so it is read now; everything else is read when first needed.
        var provider = new WebhookEngineOptions();
        configure?.Invoke(provider);
        options.Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                   "ConnectionStrings:Console must name the store: a SQLite file, e.g. \"Data Source=console.db\", or with Store:Provider=PostgreSQL " +
                   "an Npgsql connection string, e.g. \"Host=127.0.0.1;Database=console;Username=console;Password=…\".")
               .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(3), "Store:LeaseDuration must be at least 3 seconds, e.g. \"00:00:30\".")
               .Validate(o => !string.IsNullOrWhiteSpace(o.NodeName) && o.NodeName.Length <= 128, "Store:NodeName must be a name of 1 to 128 characters, unique per console process.")
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
            db.UseStore(o, sp);
            db.AddInterceptors(sp.GetRequiredService<StoreSpaceInterceptor>())
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
        if (provider.StoreProvider == StoreProvider.PostgreSQL)
        {
            services.AddSingleton<Persistence.PostgreSql.PostgresStore>();
            services.AddSingleton<IStoreWriter, Persistence.PostgreSql.PostgresStoreWriter>();
            services.AddSingleton<IDeliveryStore, Persistence.PostgreSql.PostgresDeliveryStore>();
            services.AddSingleton<Persistence.PostgreSql.PostgresCluster>();
            services.AddSingleton<ICluster>(sp => sp.GetRequiredService<Persistence.PostgreSql.PostgresCluster>());
            services.AddHostedService(sp => sp.GetRequiredService<Persistence.PostgreSql.PostgresCluster>());
        }
        else
        {
            services.AddSingleton<StoreWriter>();
            services.AddSingleton<IStoreWriter>(sp => sp.GetRequiredService<StoreWriter>());
            services.AddSingleton<IDeliveryStore, Persistence.Sqlite.SqliteDeliveryStore>();
            services.AddSingleton<ICluster, SingleNode>();
        }
        // A context per scope, for what asks for one that way (Data Protection's key store on PostgreSQL).
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext());
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
