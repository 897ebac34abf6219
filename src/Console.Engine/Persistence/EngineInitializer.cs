using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Access;

namespace WebhookConsole.Engine.Persistence;

/// <summary>Brings the store to the current schema and creates the configured bootstrap key. Run once at start.</summary>
public sealed partial class EngineInitializer(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    ApiKeyService apiKeys,
    IOptions<WebhookEngineOptions> options,
    ILogger<EngineInitializer> logger)
{
    /// <summary>Migrates the database (keeping its data), then creates the bootstrap key.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var settings = options.Value;
        var sqlite = settings.StoreProvider == StoreProvider.Sqlite;
        string where;
        if (sqlite)
        {
            var file = new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
            where = Path.GetFullPath(file);
            var directory = Path.GetDirectoryName(where);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory);
        }
        else
        {
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(settings.ConnectionString);
            where = $"PostgreSQL database {npgsql.Database} on {npgsql.Host}:{npgsql.Port}";
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
                LogMigrating(string.Join(", ", pending), where);
            // Several nodes starting at once on PostgreSQL: EF Core's migration lock lets one migrate while the others wait.
            await db.Database.MigrateAsync(ct);
            // WAL lets the UI read while the engine writes; it is a property of the file, so set it once here.
            if (sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        if (!string.IsNullOrWhiteSpace(settings.BootstrapApiKey))
            await apiKeys.EnsureBootstrapAsync(settings.BootstrapApiKey.Trim(), ct);
    }

    [LoggerMessage(LogLevel.Information, "Applying schema migrations {Migrations} to {Database}")]
    private partial void LogMigrating(string migrations, string database);
}
