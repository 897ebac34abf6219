namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// Where the engine's short background writes go (health, retention): on SQLite <see cref="StoreWriter"/>'s group commit, which
/// queues them with the hot path's; on PostgreSQL <see cref="PostgreSql.PostgresStoreWriter"/>, a transaction each.
/// </summary>
public interface IStoreWriter
{
    /// <summary>
    /// Runs <paramref name="write"/> (which saves its changes with <c>SaveChangesAsync</c>) in a transaction; completes with its
    /// result once committed (and, with <paramref name="flush"/>, durable), or with its exception, in which case none of its
    /// changes are stored.
    /// </summary>
    Task<T> WriteAsync<T>(Func<ConsoleDbContext, Task<T>> write, bool flush = true, CancellationToken ct = default);

    /// <inheritdoc cref="WriteAsync{T}(Func{ConsoleDbContext, Task{T}}, bool, CancellationToken)"/>
    Task WriteAsync(Func<ConsoleDbContext, Task> write, bool flush = true, CancellationToken ct = default);
}
