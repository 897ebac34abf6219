using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Persistence;

public sealed class StoreBackupTests
{
    [Fact]
    public async Task Backup_TakenWhilePublishing_OpensAndHoldsEveryCommittedDelivery_WithItsEventWhole()
    {
        await using var engine = await TestEngine.StartAsync();
        await using (var db = engine.Db())
        {
            // Two subscribers: every event commits two deliveries in one transaction.
            db.Subscriptions.Add(new WebhookSubscription { Name = "a", Url = "http://127.0.0.1:9/a", Events = ["ticket.created"], ProtectedSecret = "x" });
            db.Subscriptions.Add(new WebhookSubscription { Name = "b", Url = "http://127.0.0.1:9/b", Events = ["ticket.created"], ProtectedSecret = "x" });
            await db.SaveChangesAsync();
        }
        var publisher = engine.Get<EventPublisher>();
        var committed = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                committed.Add((await publisher.PublishAsync("ticket.created", new JsonObject { ["n"] = 1 })).EventId);
        })).ToList();
        while (committed.Count < 200)
            await Task.Delay(10);

        var before = committed.ToHashSet();   // every one of these was committed before the copy began
        var target = Path.Combine(Path.GetDirectoryName(engine.DatabasePath)!, "backup", "console-backup.db");
        var keys = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(engine.DatabasePath)!, "console-keys"));
        await File.WriteAllTextAsync(Path.Combine(keys.FullName, "key-1.xml"), "<key/>");
        var result = await StoreBackup.BackupAsync($"Data Source={engine.DatabasePath}", keys.FullName, target);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        await using var copy = new SqliteConnection($"Data Source={result.StoreFile};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        Assert.Equal("ok", await ScalarAsync<string>(copy, "PRAGMA integrity_check"));
        var events = new Dictionary<string, (long Count, long Deliveries)>();
        await using (var read = copy.CreateCommand())
        {
            read.CommandText = "SELECT e.Id, e.DeliveryCount, (SELECT COUNT(*) FROM Deliveries d WHERE d.EventId = e.Id) FROM Events e";
            await using var rows = await read.ExecuteReaderAsync();
            while (await rows.ReadAsync())
                events[rows.GetString(0)] = (rows.GetInt64(1), rows.GetInt64(2));
        }
        Assert.Subset(events.Keys.ToHashSet(), before);
        Assert.All(events.Values, e => Assert.Equal((2L, 2L), e));   // no event without its deliveries: one snapshot
        Assert.Equal(["key-1.xml"], Directory.GetFiles(result.KeysDirectory!).Select(Path.GetFileName));
        Assert.Equal(StoreBackup.KeysFolderFor(result.StoreFile), result.KeysDirectory);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Backup_RefusesToOverwriteAFile()
    {
        await using var engine = await TestEngine.StartAsync();
        var target = Path.Combine(Path.GetDirectoryName(engine.DatabasePath)!, "taken.db");
        await File.WriteAllTextAsync(target, "an earlier backup");

        var refused = await Assert.ThrowsAsync<BackupException>(() => StoreBackup.BackupAsync($"Data Source={engine.DatabasePath}", null, target));

        Assert.Contains("already exists", refused.Message);
        Assert.Equal("an earlier backup", await File.ReadAllTextAsync(target));
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
