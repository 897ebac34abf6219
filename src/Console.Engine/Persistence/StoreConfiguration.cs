using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace WebhookConsole.Engine.Persistence;

/// <summary>EF Core on the configured store, with that provider's migrations assembly (one per provider, EF Core's layout).</summary>
public static class StoreConfiguration
{
    public const string SqliteMigrations = "WebhookConsole.Migrations.Sqlite";
    public const string PostgresMigrations = "WebhookConsole.Migrations.PostgreSQL";

    /// <summary>Configures <paramref name="db"/> for the store of <paramref name="options"/>; on PostgreSQL on the engine's pooled data source.</summary>
    public static DbContextOptionsBuilder UseStore(this DbContextOptionsBuilder db, WebhookEngineOptions options, IServiceProvider? services = null) =>
        options.StoreProvider switch
        {
            StoreProvider.PostgreSQL when services is not null =>
                db.UseNpgsql(services.GetRequiredService<PostgreSql.PostgresStore>().Durable, x => x.MigrationsAssembly(PostgresMigrations)),
            StoreProvider.PostgreSQL => db.UseNpgsql(options.ConnectionString, x => x.MigrationsAssembly(PostgresMigrations)),
            _ => db.UseSqlite(options.ConnectionString, x => x.MigrationsAssembly(SqliteMigrations)),
        };
}
