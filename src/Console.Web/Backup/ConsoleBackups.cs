using Microsoft.Extensions.Options;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Web.Extensions;

namespace WebhookConsole.Web.Backup;

/// <summary>A backup file in <see cref="ConsoleBackups.Directory"/>.</summary>
public sealed record BackupFile(string Name, long Bytes, DateTimeOffset WrittenAt);

/// <summary>"Back up now" from the admin UI: a backup of the running console's store and keys into <c>Backup:Directory</c>.</summary>
public sealed class ConsoleBackups(IOptions<WebhookEngineOptions> engine, IConfiguration config, TimeProvider time)
{
    /// <summary>Whether the console makes the backups: on SQLite; a PostgreSQL store is backed up with PostgreSQL's tools.</summary>
    public bool Supported => engine.Value.StoreProvider == StoreProvider.Sqlite;

    /// <summary>Where backups from the UI go: <c>Backup:Directory</c>, or <c>backups/</c> beside the database.</summary>
    public string Directory => config["Backup:Directory"] is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Supported ? Path.Combine(Path.GetDirectoryName(ConsoleWebExtensions.KeysDirectory(engine.Value.ConnectionString))!, "backups")
        : Path.Combine(AppContext.BaseDirectory, "backups");

    /// <summary>Writes <c>console-&lt;UTC time&gt;.db</c> and its keys into <see cref="Directory"/>.</summary>
    public Task<BackupResult> BackUpNowAsync(CancellationToken ct = default)
    {
        if (!Supported)
            throw new BackupException("The store is a PostgreSQL database: back it up with pg_dump, which copies the Data Protection keys too.");
        var connectionString = engine.Value.ConnectionString;
        var file = Path.Combine(Directory, $"console-{time.GetUtcNow():yyyyMMdd-HHmmss}.db");
        return StoreBackup.BackupAsync(connectionString, ConsoleWebExtensions.KeysDirectory(connectionString), file, ct);
    }

    /// <summary>The backups in <see cref="Directory"/>, newest first (at most 20).</summary>
    public IReadOnlyList<BackupFile> List()
    {
        if (!Supported)
            return [];
        var directory = new DirectoryInfo(Directory);
        if (!directory.Exists)
            return [];
        return directory.EnumerateFiles("console-*.db").OrderByDescending(f => f.LastWriteTimeUtc).Take(20)
            .Select(f => new BackupFile(f.Name, f.Length, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero))).ToList();
    }
}
