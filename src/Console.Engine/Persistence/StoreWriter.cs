using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
/// All batches run on one connection that the writer keeps open, so the hot path's prepared statements
/// (<see cref="Sqlite.SqliteDeliveryStore"/>) stay prepared from one batch to the next.
/// </remarks>
public sealed partial class StoreWriter : IStoreWriter, IAsyncDisposable, IDisposable
{
    /// <summary>At most this many writes share a transaction.</summary>
    public const int MaxBatch = 256;

    private readonly string _connectionString;
    private readonly ILogger<StoreWriter> _logger;
    private readonly StoreSpace _space;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private SqliteConnection? _connection;
    /// <summary>The connection's synchronous setting: FULL (true), NORMAL (false) or not known (null: a fresh connection is FULL, the default, but say so).</summary>
    private bool? _synchronousFull;
    private DbContextOptions<ConsoleDbContext>? _contextOptions;
    /// <summary>The connection's batch statements (savepoints, the synchronous setting), prepared once per connection.</summary>
    private BatchStatements? _statements;

    public StoreWriter(IOptions<WebhookEngineOptions> options, StoreSpace space, ILogger<StoreWriter> logger)
    {
        _connectionString = options.Value.ConnectionString;
        _space = space;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The writer's own connection, opened on first use and again after a failure closed it.</summary>
    private async Task<SqliteConnection> OpenAsync()
    {
        if (_connection is null)
        {
            var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            _connection = connection;
            _contextOptions = new DbContextOptionsBuilder<ConsoleDbContext>().UseSqlite(connection).Options;
            _statements = new BatchStatements(connection);
        }
        return _connection;
    }

    private void CloseConnection()
    {
        _statements?.Dispose();
        _statements = null;
        _connection?.Dispose();
        _connection = null;
        _contextOptions = null;
        _synchronousFull = null;
    }

    /// <summary>
    /// Runs <paramref name="write"/> (which saves its changes with <c>SaveChangesAsync</c>) in the next transaction; completes with its
    /// result once committed (and, with <paramref name="flush"/>, on disk), or with its exception, in which case none of its changes are
    /// stored. The context is the write's own until it returns. A write must not wait for another write.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<ConsoleDbContext, Task<T>> write, bool flush = true, CancellationToken ct = default) =>
        Enqueue(write, write, flush, ct);

    /// <inheritdoc cref="WriteAsync{T}(Func{ConsoleDbContext, Task{T}}, bool, CancellationToken)"/>
    public Task WriteAsync(Func<ConsoleDbContext, Task> write, bool flush = true, CancellationToken ct = default) =>
        Enqueue(async db => { await write(db); return true; }, write, flush, ct);

    /// <summary>
    /// Runs <paramref name="write"/>, SQL of its own on the writer's connection and in the batch's transaction (no
    /// <see cref="ConsoleDbContext"/>, which the hot path's prepared statements do not need), in the next transaction; completes as
    /// <see cref="WriteAsync{T}(Func{ConsoleDbContext, Task{T}}, bool, CancellationToken)"/> does.
    /// </summary>
    public Task<T> SqlAsync<T>(Func<SqlBatch, T> write, bool flush = true, CancellationToken ct = default) =>
        Enqueue(new SqlWrite<T>(write, flush, ct));

    private Task<T> Enqueue<T>(Func<ConsoleDbContext, Task<T>> write, Delegate origin, bool flush, CancellationToken ct) =>
        Enqueue(new ContextWrite<T>(write, origin, flush, ct));

    private Task<T> Enqueue<T>(Write<T> item)
    {
        if (!_queue.Writer.TryWrite(item))
            throw new ObjectDisposedException(nameof(StoreWriter), "The store is closed: the console is stopping.");
        return item.Completion.Task;
    }

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
        var started = Stopwatch.GetTimestamp();
        var commitStarted = 0L;
        ConsoleDbContext? db = null;
        try
        {
            var connection = await OpenAsync();
            // synchronous belongs to the connection, which is the writer's alone: FULL for a batch with a write that must be on
            // disk (its fsync makes every earlier commit durable too), NORMAL otherwise; changed only when it has to.
            var flush = batch.Any(w => w.Flush);
            if (flush != _synchronousFull)
            {
                _synchronousFull = null;
                (flush ? _statements!.SynchronousFull : _statements!.SynchronousNormal).ExecuteNonQuery();
                _synchronousFull = flush;
            }
            await using var transaction = connection.BeginTransaction();
            var sql = new SqlBatch(connection, transaction);
            // A context only for a batch with a write that asks for one (EF Core's), sharing the connection and the transaction.
            ConsoleDbContext Context()
            {
                if (db is null)
                {
                    db = new ConsoleDbContext(_contextOptions!);
                    db.Database.AutoSavepointsEnabled = false; // one savepoint per write, below, when the batch has several
                    db.Database.UseTransaction(transaction);
                }
                return db;
            }
            await RunAllAsync(batch, sql, Context, written);
            if (written.Count > 0) // else disposing the transaction rolls back whatever a failed write left
            {
                commitStarted = Stopwatch.GetTimestamp();
                await transaction.CommitAsync();
                committed = true;
            }
        }
        catch (Exception e) when (!committed)
        {
            // A full disk is said once (StoreSpace), not once per batch: every batch fails the same way until there is room.
            if (!_space.Failed(e))
                LogCommitFailed(e, batch.Count);
            await DisposeContextAsync(db);
            CloseConnection(); // whatever state it was left in, the next batch starts on a fresh one
            foreach (var item in batch)
                item.Fail(e);
            return;
        }
        catch (Exception e)
        {
            // Committed, but closing the transaction failed: the next batch opens a new connection.
            LogResetFailed(e);
            CloseConnection();
        }
        await DisposeContextAsync(db);
        if (committed)
            _space.Wrote();
        var took = Stopwatch.GetElapsedTime(started);
        if (took >= SlowBatch) // said before the writes complete, so whoever waited for them finds it in the log
        {
            var slowest = batch.MaxBy(w => w.Took)!;
            LogSlowBatch(took.TotalMilliseconds, batch.Count, commitStarted == 0 ? 0 : Stopwatch.GetElapsedTime(commitStarted).TotalMilliseconds,
                slowest.Took.TotalMilliseconds, slowest.What);
        }
        foreach (var item in written)
            item.Complete();
    }

    private static async Task DisposeContextAsync(ConsoleDbContext? db)
    {
        if (db is null)
            return;
        try { await db.DisposeAsync(); }
        catch (Exception) { /* the connection and the transaction are the writer's; the context only borrowed them */ }
    }

    /// <summary>Runs the writes in order; each in a savepoint when there are several, so a failing one takes only its own changes back.</summary>
    /// <remarks>Savepoints as statements prepared on the connection: EF Core's savepoint calls, and even Microsoft.Data.Sqlite's
    /// (a statement parsed at each call), cost more than the writes they guard.</remarks>
    private async Task RunAllAsync(List<Write> batch, SqlBatch sql, Func<ConsoleDbContext> context, List<Write> written)
    {
        var isolate = batch.Count > 1;
        var savepoints = _statements!;
        savepoints.Enlist(sql.Transaction);
        foreach (var item in batch)
        {
            if (item.CancellationRequested)
            {
                item.Cancel();
                continue;
            }
            if (isolate)
                savepoints.Save.ExecuteNonQuery();
            var started = Stopwatch.GetTimestamp();
            try
            {
                await item.RunAsync(sql, context);
                written.Add(item);
            }
            catch (Exception e)
            {
                _space.Failed(e); // a write that found the store full: said once
                if (isolate)
                    savepoints.Rollback.ExecuteNonQuery();
                item.Fail(e);
            }
            finally
            {
                item.Took = Stopwatch.GetElapsedTime(started);
            }
            if (isolate)
                savepoints.Release.ExecuteNonQuery();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop; // what was queued is still written
        CloseConnection();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_loop.Wait(TimeSpan.FromSeconds(10)))
            CloseConnection();
    }

    /// <summary>A batch that held the writes behind it up for this long is worth a warning.</summary>
    private static readonly TimeSpan SlowBatch = TimeSpan.FromMilliseconds(250);

    /// <summary>A lambda's method, as its source names it: <c>RetentionSweeper.SweepAsync</c> for <c>RetentionSweeper+&lt;&gt;c.&lt;SweepAsync&gt;b__0</c>.</summary>
    private static string Describe(System.Reflection.MethodInfo method)
    {
        var type = method.DeclaringType;
        while (type?.DeclaringType is not null && type.Name.StartsWith('<'))
            type = type.DeclaringType;
        var name = method.Name;
        if (name.StartsWith('<') && name.IndexOf('>') is > 1 and var end)
            name = name[1..end];
        return $"{type?.Name}.{name}";
    }

    [LoggerMessage(LogLevel.Warning, "A store transaction took {Milliseconds:0} ms ({Count} writes, commit {CommitMilliseconds:0} ms); its slowest write took {SlowestMilliseconds:0} ms, from {Slowest}")]
    private partial void LogSlowBatch(double milliseconds, int count, double commitMilliseconds, double slowestMilliseconds, string slowest);

    [LoggerMessage(LogLevel.Error, "A store transaction of {Count} writes failed; none of them was stored")]
    private partial void LogCommitFailed(Exception e, int count);

    [LoggerMessage(LogLevel.Warning, "The store writer's connection failed after a commit (which stands); it was closed")]
    private partial void LogResetFailed(Exception e);

    private abstract class Write(bool flush)
    {
        public bool Flush { get; } = flush;
        public TimeSpan Took { get; set; }
        /// <summary>Where the write comes from, for the slow-batch warning: the method that queued it.</summary>
        public abstract string What { get; }
        public abstract bool CancellationRequested { get; }
        public abstract Task RunAsync(SqlBatch sql, Func<ConsoleDbContext> context);
        public abstract void Complete();
        public abstract void Fail(Exception e);
        public abstract void Cancel();
    }

    private abstract class Write<T>(bool flush, CancellationToken ct) : Write(flush)
    {
        protected T Result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override bool CancellationRequested => ct.IsCancellationRequested;
        public override void Complete() => Completion.TrySetResult(Result);
        public override void Fail(Exception e) => Completion.TrySetException(e);
        public override void Cancel() => Completion.TrySetCanceled(ct);
    }

    /// <summary>A write through EF Core: the batch's context, its changes cleared after it.</summary>
    private sealed class ContextWrite<T>(Func<ConsoleDbContext, Task<T>> write, Delegate origin, bool flush, CancellationToken ct) : Write<T>(flush, ct)
    {
        public override string What => Describe(origin.Method); // read only for a slow batch: Method is reflection

        public override async Task RunAsync(SqlBatch sql, Func<ConsoleDbContext> context)
        {
            var db = context();
            try { Result = await write(db); }
            finally { db.ChangeTracker.Clear(); }
        }
    }

    /// <summary>A write of SQL of its own, on the connection and in the transaction.</summary>
    private sealed class SqlWrite<T>(Func<SqlBatch, T> write, bool flush, CancellationToken ct) : Write<T>(flush, ct)
    {
        public override string What => Describe(write.Method);

        public override Task RunAsync(SqlBatch sql, Func<ConsoleDbContext> context)
        {
            Result = write(sql);
            return Task.CompletedTask;
        }
    }

    /// <summary>The batch's own statements, prepared once on the connection.</summary>
    private sealed class BatchStatements(SqliteConnection connection) : IDisposable
    {
        public SqliteCommand Save { get; } = Command(connection, "SAVEPOINT write");
        public SqliteCommand Release { get; } = Command(connection, "RELEASE write");
        public SqliteCommand Rollback { get; } = Command(connection, "ROLLBACK TO write");
        public SqliteCommand SynchronousFull { get; } = Command(connection, "PRAGMA synchronous=FULL");
        public SqliteCommand SynchronousNormal { get; } = Command(connection, "PRAGMA synchronous=NORMAL");

        public void Enlist(SqliteTransaction transaction)
        {
            Save.Transaction = transaction;
            Release.Transaction = transaction;
            Rollback.Transaction = transaction;
        }

        public void Dispose()
        {
            foreach (var command in new[] { Save, Release, Rollback, SynchronousFull, SynchronousNormal })
                command.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }
}

/// <summary>What a <see cref="StoreWriter.SqlAsync{T}"/> write runs on: the writer's connection and the batch's transaction.</summary>
public sealed record SqlBatch(SqliteConnection Connection, SqliteTransaction Transaction);
