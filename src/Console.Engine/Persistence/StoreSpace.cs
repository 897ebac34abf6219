using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// Whether the store can write: false from the first write that found the disk full (SQLITE_FULL, or PostgreSQL's 53100) until the next write that
/// got through. Every part that writes reports here, so the log says it once when the store fills up and once when it can write
/// again, however many writes failed in between; the API answers 503 with <c>Retry-After</c> meanwhile, and nothing is
/// accepted that was not stored.
/// </summary>
public sealed partial class StoreSpace(TimeProvider time, ILogger<StoreSpace> logger)
{
    /// <summary>SQLite's result code for "database or disk is full".</summary>
    public const int SqliteFull = 13;

    /// <summary>PostgreSQL's SQLSTATE for "disk full" (class 53, insufficient resources).</summary>
    public const string PostgresDiskFull = "53100";

    /// <summary>How long a sender is told to wait before sending again (the <c>Retry-After</c> of a 503).</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A write that gets through counts as "room again" only this long after the last one refused: a nearly full disk still takes
    /// a small write now and then between refusals (SQLite reuses its write-ahead log once it could copy it back, and a
    /// transaction that changed nothing needs no room), and that is not the end of the episode, nor a reason to say it twice.
    /// </summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private DateTimeOffset? _fullSince;
    private DateTimeOffset _lastRefused;
    private long _failedWrites;

    /// <summary>Since when the store could not write, or null while it can.</summary>
    public DateTimeOffset? FullSince { get { lock (_gate) return _fullSince; } }

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) says the store's disk is full.</summary>
    public static bool IsFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is SqliteException { SqliteErrorCode: SqliteFull } or Npgsql.PostgresException { SqlState: PostgresDiskFull })
                return true;
        return false;
    }

    /// <summary>A write failed: when it failed for want of space, the store is full (said once); returns whether it was.</summary>
    public bool Failed(Exception e)
    {
        if (!IsFull(e))
            return false;
        lock (_gate)
        {
            _failedWrites++;
            _lastRefused = time.GetUtcNow();
            if (_fullSince is not null)
                return true;
            _fullSince = _lastRefused;
        }
        LogFull(e.GetBaseException().Message);
        return true;
    }

    /// <summary>A write got through: if the store was full and nothing was refused for <see cref="Quiet"/>, it has room again (said once).</summary>
    public void Wrote()
    {
        DateTimeOffset since;
        long failed;
        lock (_gate)
        {
            if (_fullSince is not { } s || time.GetUtcNow() - _lastRefused < Quiet)
                return;
            since = s;
            failed = _failedWrites;
            _fullSince = null;
            _failedWrites = 0;
        }
        LogWritable(time.GetUtcNow() - since, failed);
    }

    [LoggerMessage(LogLevel.Warning, "The store cannot write: its disk is full ({Reason}). Publishing and inbound URLs " +
        "answer 503 with Retry-After until there is room; nothing answered 202 before is lost, and the console goes on by itself once space returns")]
    private partial void LogFull(string reason);

    [LoggerMessage(LogLevel.Information, "The store can write again after {Duration}; {FailedWrites} writes were refused meanwhile (an API or inbound sender was answered 503 to retry; the console's own work waited)")]
    private partial void LogWritable(TimeSpan duration, long failedWrites);
}
