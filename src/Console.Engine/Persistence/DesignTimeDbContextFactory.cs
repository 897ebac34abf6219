using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// Lets `dotnet ef` build <see cref="ConsoleDbContext"/> without the web host (scripts/add-migration.sh). Adding, removing
/// and scripting migrations never opens a database; commands that do (`database update`, `migrations list`) use the
/// connection string in WEBHOOK_CONSOLE_DESIGN_DB (e.g. "Data Source=/tmp/console.db"), or an in-memory database.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ConsoleDbContext>
{
    public ConsoleDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("WEBHOOK_CONSOLE_DESIGN_DB") is { Length: > 0 } value
            ? value
            : "Data Source=:memory:";
        return new ConsoleDbContext(new DbContextOptionsBuilder<ConsoleDbContext>().UseSqlite(connectionString).Options);
    }
}
