using WebhookConsole.Engine.Persistence;
using WebhookConsole.Web.Extensions;

namespace WebhookConsole.Web.Backup;

/// <summary><c>dotnet run --project src/Console.Web -- backup &lt;file&gt;</c>: a consistent copy of the store (and its keys) while the console runs.</summary>
public static class BackupCommand
{
    /// <summary>Whether the command line asks for a backup rather than the console.</summary>
    public static bool Matches(string[] args) => args is ["backup", ..];

    /// <summary>Writes the backup with the console's own settings (the settings file, environment variables, further arguments); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || args[1].StartsWith('-'))
        {
            System.Console.Error.WriteLine("usage: WebhookConsole.Web backup <file> [--ConnectionStrings:Console=...]");
            System.Console.Error.WriteLine("Writes a consistent copy of the SQLite store to <file> and the Data Protection keys to <file>.keys/.");
            return 2;
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[2..], ApplicationName = "WebhookConsole.Web" });
        ConsoleWebExtensions.UseTopLevelSettings(builder.Configuration, builder.Environment.ContentRootPath);
        if (builder.Configuration.GetValue("Store:Provider", WebhookConsole.Engine.StoreProvider.Sqlite) == WebhookConsole.Engine.StoreProvider.PostgreSQL)
        {
            System.Console.Error.WriteLine("Backup failed: the store is a PostgreSQL database (Store:Provider). Back it up with pg_dump; the Data Protection keys are in it too.");
            return 2;
        }
        var connectionString = ConsoleWebExtensions.ResolveDatabasePath(
            builder.Configuration.GetConnectionString("Console") ?? "Data Source=console.db", builder.Environment.ContentRootPath);
        try
        {
            var result = await StoreBackup.BackupAsync(connectionString, ConsoleWebExtensions.KeysDirectory(connectionString), args[1]);
            System.Console.WriteLine($"Backed up the store to {result.StoreFile} ({result.Bytes:N0} bytes)" +
                (result.KeysDirectory is { } keys ? $" and its Data Protection keys to {keys}." : "; no Data Protection keys were found beside it."));
            return 0;
        }
        catch (BackupException e)
        {
            System.Console.Error.WriteLine("Backup failed: " + e.Message);
            return 1;
        }
    }
}
