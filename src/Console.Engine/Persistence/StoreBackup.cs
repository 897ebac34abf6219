using Microsoft.Data.Sqlite;

namespace WebhookConsole.Engine.Persistence;

/// <summary>What a backup wrote: the store's copy and, beside it, the copy of the Data Protection keys (null when there were none).</summary>
public sealed record BackupResult(string StoreFile, string? KeysDirectory, long Bytes);

/// <summary>The backup could not be written; the message says why, in words.</summary>
public sealed class BackupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A consistent copy of the SQLite store while the console runs: <c>VACUUM INTO</c> reads one snapshot (WAL lets writers go on
/// meanwhile) and writes it as a new, compact file. The Data Protection keys (they decrypt stored secrets and sign-in cookies) are
/// copied beside it as <c>&lt;file&gt;.keys/</c>; a store without its keys cannot sign anything it holds.
/// </summary>
public static class StoreBackup
{
    /// <summary>The keys folder written beside <paramref name="storeFile"/>.</summary>
    public static string KeysFolderFor(string storeFile) => storeFile + ".keys";

    /// <summary>Copies the store of <paramref name="connectionString"/> to <paramref name="target"/> (which must not exist) and the keys in <paramref name="keysDirectory"/> beside it.</summary>
    public static async Task<BackupResult> BackupAsync(string connectionString, string? keysDirectory, string target, CancellationToken ct = default)
    {
        var source = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        if (string.IsNullOrEmpty(source.DataSource) || source.DataSource == ":memory:" || !File.Exists(source.DataSource))
            throw new BackupException($"There is no store at '{source.DataSource}' to back up. Check ConnectionStrings:Console.");
        var file = Path.GetFullPath(target);
        if (File.Exists(file) || Directory.Exists(file))
            throw new BackupException($"'{file}' already exists; name a new file, so no earlier backup is overwritten.");
        var keysTarget = KeysFolderFor(file);
        if (Directory.Exists(keysTarget))
            throw new BackupException($"'{keysTarget}' already exists; name a new file, so no earlier backup's keys are overwritten.");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        try
        {
            await using var connection = new SqliteConnection(source.ToString());
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $file";
            command.Parameters.AddWithValue("$file", file);
            command.CommandTimeout = 0; // a large store takes as long as it takes; writers are not held up meanwhile
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException e)
        {
            throw new BackupException($"The store could not be copied to '{file}': {e.Message}", e);
        }

        string? keys = null;
        if (keysDirectory is not null && Directory.Exists(keysDirectory))
        {
            Directory.CreateDirectory(keysTarget);
            foreach (var key in Directory.EnumerateFiles(keysDirectory))
                File.Copy(key, Path.Combine(keysTarget, Path.GetFileName(key)));
            keys = keysTarget;
        }
        return new BackupResult(file, keys, new FileInfo(file).Length);
    }
}
