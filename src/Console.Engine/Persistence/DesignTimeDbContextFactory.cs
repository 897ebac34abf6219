using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// Lets `dotnet ef` build <see cref="ConsoleDbContext"/> without the web host (scripts/add-migration.sh), for the provider named
/// after `--`: `-- --provider Sqlite` (the default) or `-- --provider PostgreSQL`, each with its own migrations assembly. Adding,
/// removing and scripting migrations never opens a database; commands that do (`database update`, `migrations list`) use the
/// connection string in WEBHOOK_CONSOLE_DESIGN_DB (e.g. "Data Source=/tmp/console.db"), or an in-memory SQLite database / a local
/// PostgreSQL one.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ConsoleDbContext>
{
    public ConsoleDbContext CreateDbContext(string[] args)
    {
        var at = Array.IndexOf(args, "--provider");
        var provider = at >= 0 && at + 1 < args.Length && Enum.TryParse<StoreProvider>(args[at + 1], ignoreCase: true, out var named)
            ? named
            : StoreProvider.Sqlite;
        var connectionString = Environment.GetEnvironmentVariable("WEBHOOK_CONSOLE_DESIGN_DB") is { Length: > 0 } value
            ? value
            : provider == StoreProvider.PostgreSQL ? "Host=127.0.0.1;Database=webhook_console_design" : "Data Source=:memory:";
        var options = new WebhookEngineOptions { StoreProvider = provider, ConnectionString = connectionString };
        var builder = new DbContextOptionsBuilder<ConsoleDbContext>();
        builder.UseStore(options);
        return new ConsoleDbContext(builder.Options);
    }
}
