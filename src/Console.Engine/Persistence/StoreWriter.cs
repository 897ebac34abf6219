using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// Group commit for the engine's frequent writes: publishing, claiming and recording attempts. Each write runs in the store's next
/// transaction together with the others waiting, in order, and its task completes only once that transaction is committed. A batch
/// pays one commit and one fsync instead of one each, and writers queue here rather than in SQLite, where Microsoft.Data.Sqlite
/// blocks a thread for 150 ms at every collision.
/// </summary>
/// <remarks>
/// Every commit survives the process being killed (WAL). A write with <c>flush: true</c> (the default; publishing uses it, so a 202
/// means on disk) also waits for the fsync, which makes everything committed before it durable too. Claims and attempt records use
/// <c>flush: false</c>: losing the last of them to a power cut only means a delivery is sent again, which at-least-once allows.
/// </remarks>
public sealed partial class StoreWriter : IAsyncDisposable, IDisposable
{
    /// <summary>At most this many writes share a transaction.</summary>
    public const int MaxBatch = 256;

    private readonly IDbContextFactory<ConsoleDbContext> _dbFactory;
    private readonly ILogger<StoreWriter> _logger;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public StoreWriter(IDbContextFactory<ConsoleDbContext> dbFactory, ILogger<StoreWriter> logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Runs <paramref name="write"/> (which saves its changes with <c>SaveChangesAsync</c>) in the next transaction; completes with its
    /// result once committed (and, with <paramref name="flush"/>, on disk), or with its exception, in which case none of its changes are
    /// stored. The context is the write's own until it returns. A write must not wait for another write.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<ConsoleDbContext, Task<T>> write, bool flush = true, CancellationToken ct = default)
    {
        var item = new Write<T>(write, flush, ct);
        if (!_queue.Writer.TryWrite(item))
            throw new ObjectDisposedException(nameof(StoreWriter), "The store is closed: the console is stopping.");
        return item.Completion.Task;
    }

    /// <inheritdoc cref="WriteAsync{T}(Func{ConsoleDbContext, Task{T}}, bool, CancellationToken)"/>
    public Task WriteAsync(Func<ConsoleDbContext, Task> write, bool flush = true, CancellationToken ct = default) =>
        WriteAsync(async db => { await write(db); return true; }, flush, ct);

    private async Task RunAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                batch.Add(item);
            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Write> batch)
    {
        var written = new List<Write>(batch.Count);
        var committed = false;
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync();
            db.Database.AutoSavepointsEnabled = false; // one savepoint per write, below, when the batch has several
            await db.Database.OpenConnectionAsync();
            // synchronous belongs to the connection, which is pooled: NORMAL only for this batch, FULL again before it goes back.
            var flush = batch.Any(w => w.Flush);
            if (!flush)
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL");
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await RunAllAsync(batch, db, transaction, written);
                if (written.Count > 0) // else disposing the transaction rolls back whatever a failed write left
                {
                    await transaction.CommitAsync();
                    committed = true;
                }
            }
            finally
            {
                if (!flush)
                    await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL");
            }
        }
        catch (Exception e) when (!committed)
        {
            LogCommitFailed(e, batch.Count);
            foreach (var item in batch)
                item.Fail(e);
            return;
        }
        catch (Exception e)
        {
            // Committed, but the connection could not be set back to FULL: keep it out of the pool.
            LogResetFailed(e);
            SqliteConnection.ClearAllPools();
        }
        foreach (var item in written)
            item.Complete();
    }

    /// <summary>Runs the writes in order; each in a savepoint when there are several, so a failing one takes only its own changes back.</summary>
    private static async Task RunAllAsync(List<Write> batch, ConsoleDbContext db, IDbContextTransaction transaction, List<Write> written)
    {
        var isolate = batch.Count > 1;
        foreach (var item in batch)
        {
            if (item.CancellationRequested)
            {
                item.Cancel();
                continue;
            }
            if (isolate)
                await transaction.CreateSavepointAsync("write");
            try
            {
                await item.RunAsync(db);
                written.Add(item);
            }
            catch (Exception e)
            {
                if (isolate)
                    await transaction.RollbackToSavepointAsync("write");
                item.Fail(e);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
            if (isolate)
                await transaction.ReleaseSavepointAsync("write");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop; // what was queued is still written
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    [LoggerMessage(LogLevel.Error, "A store transaction of {Count} writes failed; none of them was stored")]
    private partial void LogCommitFailed(Exception e, int count);

    [LoggerMessage(LogLevel.Warning, "A store connection could not be set back to synchronous=FULL after a commit; the connection pool was cleared")]
    private partial void LogResetFailed(Exception e);

    private abstract class Write(bool flush)
    {
        public bool Flush { get; } = flush;
        public abstract bool CancellationRequested { get; }
        public abstract Task RunAsync(ConsoleDbContext db);
        public abstract void Complete();
        public abstract void Fail(Exception e);
        public abstract void Cancel();
    }

    private sealed class Write<T>(Func<ConsoleDbContext, Task<T>> write, bool flush, CancellationToken ct) : Write(flush)
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override bool CancellationRequested => ct.IsCancellationRequested;
        public override async Task RunAsync(ConsoleDbContext db) => _result = await write(db);
        public override void Complete() => Completion.TrySetResult(_result);
        public override void Fail(Exception e) => Completion.TrySetException(e);
        public override void Cancel() => Completion.TrySetCanceled(ct);
    }
}
