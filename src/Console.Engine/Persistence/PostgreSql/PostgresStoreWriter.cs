using Microsoft.EntityFrameworkCore;

namespace WebhookConsole.Engine.Persistence.PostgreSql;

/// <summary>
/// <see cref="IStoreWriter"/> on PostgreSQL: each write in a transaction of its own on a pooled connection. PostgreSQL runs them
/// side by side and commits them together in its own WAL group commit, so nothing queues here; and one row lock at a time per
/// write keeps the nodes from deadlocking on the rows they share (a webhook's health, an hour's counter).
/// </summary>
public sealed class PostgresStoreWriter(IDbContextFactory<ConsoleDbContext> dbFactory, StoreSpace space) : IStoreWriter
{
    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<ConsoleDbContext, Task<T>> write, bool flush = true, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!flush) // as on SQLite: losing the last of these to a power cut only means a little is done again
                await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", ct);
            var result = await write(db);
            await transaction.CommitAsync(ct);
            space.Wrote();
            return result;
        }
        catch (Exception e)
        {
            space.Failed(e);
            throw;
        }
    }

    /// <inheritdoc />
    public Task WriteAsync(Func<ConsoleDbContext, Task> write, bool flush = true, CancellationToken ct = default) =>
        WriteAsync(async db => { await write(db); return true; }, flush, ct);
}
