using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Persistence;

/// <summary>Group commit: writes waiting together share a transaction; each still succeeds or fails on its own.</summary>
public sealed class StoreWriterTests
{
    private static EventRecord Event(string id) =>
        new() { Id = id, Type = "ticket.created", Data = "{}", OccurredAt = DateTimeOffset.UnixEpoch, ReceivedAt = DateTimeOffset.UnixEpoch };

    private static Func<ConsoleDbContext, Task<Guid>> Insert(params string[] ids) => async db =>
    {
        foreach (var id in ids)
            db.Events.Add(Event(id));
        await db.SaveChangesAsync();
        return db.Database.CurrentTransaction!.TransactionId;
    };

    [Fact]
    public async Task WritesWaitingTogether_ShareOneTransaction_AndAFailingOneLosesOnlyItsOwnChanges()
    {
        await using var engine = await TestEngine.StartAsync();
        var writer = engine.Get<StoreWriter>();
        await writer.WriteAsync(Insert("existing"));

        // Hold the writer with a first write, so the next ones queue up behind it and go together.
        var hold = new TaskCompletionSource();
        var holding = writer.WriteAsync(async _ => await hold.Task);
        var first = writer.WriteAsync(Insert("a"));
        var failing = writer.WriteAsync(Insert("b", "existing"));   // "b" is added, then the duplicate key fails the write
        var last = writer.WriteAsync(Insert("c"));
        hold.SetResult();
        await holding;

        var batch = await Task.WhenAll(first, last);
        Assert.Equal(batch[0], batch[1]);
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => failing);
        Assert.Equal(19, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode);   // SQLITE_CONSTRAINT
        await using var db = engine.Db();
        Assert.Equal(["a", "c", "existing"], await db.Events.Select(e => e.Id).OrderBy(id => id).ToListAsync());
    }

    [Fact]
    public async Task AWriteThatFailsAlone_StoresNothing_AndTheNextWriteStillCommits()
    {
        await using var engine = await TestEngine.StartAsync();
        var writer = engine.Get<StoreWriter>();
        await writer.WriteAsync(Insert("existing"));

        await Assert.ThrowsAsync<DbUpdateException>(() => writer.WriteAsync(Insert("partial", "existing")));
        await writer.WriteAsync(Insert("after"));

        await using var db = engine.Db();
        Assert.Equal(["after", "existing"], await db.Events.Select(e => e.Id).OrderBy(id => id).ToListAsync());
    }

    [Fact]
    public async Task OnlyFlushingWrites_WaitForTheDisk_AndEveryPooledConnectionGoesBackAtSynchronousFull()
    {
        // Pooled connections, as the console has them: a connection the writer set to NORMAL must not reach another user so.
        await using var engine = await TestEngine.StartAsync(options: o => o.ConnectionString = o.ConnectionString.Replace("Pooling=False", "Pooling=True"));
        var writer = engine.Get<StoreWriter>();
        static async Task<long> Synchronous(ConsoleDbContext db)
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            if (connection.State != System.Data.ConnectionState.Open)
                await db.Database.OpenConnectionAsync();
            return (long)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal(1, await writer.WriteAsync(Synchronous, flush: false));   // NORMAL: committed, fsync left to later
        Assert.Equal(2, await writer.WriteAsync(Synchronous));                 // FULL: on disk before the task completes
        Assert.Equal(1, await writer.WriteAsync(Synchronous, flush: false));
        await using var db = engine.Db();
        Assert.Equal(2, await Synchronous(db));
    }
}
