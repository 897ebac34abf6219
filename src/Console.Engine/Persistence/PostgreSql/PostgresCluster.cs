using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Persistence.PostgreSql;

/// <summary>
/// This node among the others on one PostgreSQL database (<see cref="ICluster"/>), with no leader:
/// <list type="bullet">
/// <item>LISTENs on one connection of its own: new work (<see cref="PostgresSql.WorkChannel"/>, sent by the store with every
/// publish, scheduled retry and released claim) wakes the dispatcher, an accepted inbound request wakes the inbound processor, and
/// the other nodes' attempts and state changes (<see cref="PostgresSql.FeedChannel"/>) go to this node's live feed. The dispatcher's
/// own timer for the earliest due retry stays the backstop, and after a lost connection everything is looked at once.</item>
/// <item>NOTIFYs the others of this node's attempts (a decorator around the feed, <see cref="Share"/>) and of webhooks changed here
/// (so their <see cref="SubscriptionCache"/> forgets its copies), in batches.</item>
/// <item>Renews the leases of the deliveries it holds, every third of <see cref="WebhookEngineOptions.LeaseDuration"/>.</item>
/// <item>Runs the once-per-cluster jobs under a session advisory lock (<see cref="RunExclusiveAsync"/>).</item>
/// </list>
/// </summary>
public sealed partial class PostgresCluster : BackgroundService, ICluster
{
    private readonly PostgresStore store;
    private readonly DeliverySignal deliveries;
    private readonly InboundSignal inbound;
    private readonly SubscriptionCache subscriptions;
    private readonly IOptions<WebhookEngineOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<PostgresCluster> logger;

    public PostgresCluster(PostgresStore store, DeliverySignal deliveries, InboundSignal inbound, SubscriptionCache subscriptions,
        IOptions<WebhookEngineOptions> options, TimeProvider time, ILogger<PostgresCluster> logger)
    {
        (this.store, this.deliveries, this.inbound, this.subscriptions, this.options, this.time, this.logger) =
            (store, deliveries, inbound, subscriptions, options, time, logger);
        // A webhook changed here: the other nodes' publishers and claims must not go on with their old copy.
        subscriptions.Changed += id => Enqueue(PostgresSql.SubscriptionsChannel, $"{Node}|{id}");
    }

    /// <summary>A NOTIFY payload must stay under 8000 bytes; a failure message is cut to this many characters for the feed.</summary>
    private const int MaxFailureLength = 1000;

    /// <summary>How many characters of live-log entries one notification carries at most (in UTF-8 they may take up to twice that).</summary>
    private const int MaxPayload = 3500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>Live-log entries waiting beyond this many are not sent (the other nodes' live logs miss them; the store has them).</summary>
    private const int MaxWaiting = 20_000;

    // Unbounded, so word of new work or a changed webhook is never dropped; only live-log entries are, past MaxWaiting.
    private readonly Channel<(string Channel, string Payload)> _outgoing =
        Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });
    private int _waiting; // in _outgoing (a single-reader channel does not count)
    private IDeliveryObserver? _local;

    private string Node => options.Value.NodeName;

    /// <summary>Where the other nodes' attempts go; and the observer this node's engine should tell, which also tells the others.</summary>
    public IDeliveryObserver Share(IDeliveryObserver local)
    {
        _local = local;
        return new Broadcasting(local, this);
    }

    /// <inheritdoc />
    public void InboundAccepted() => Enqueue(PostgresSql.InboundChannel, "");

    private void Enqueue(string channel, string payload)
    {
        Interlocked.Increment(ref _waiting);
        _outgoing.Writer.TryWrite((channel, payload));
    }

    /// <inheritdoc />
    public async Task<bool> RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct = default)
    {
        var key = LockKey(name);
        await using var connection = await store.Durable.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection) { Parameters = { new("key", key) } })
        {
            if (await take.ExecuteScalarAsync(ct) is not true)
                return false; // another node runs it now
        }
        try
        {
            await work(ct);
            return true;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection) { Parameters = { new("key", key) } };
            await release.ExecuteNonQueryAsync(CancellationToken.None); // (closing the connection would release it too)
        }
    }

    /// <summary>A stable 64-bit key for a lock name (FNV-1a), the same on every node.</summary>
    internal static long LockKey(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes("webhook-console:" + name))
            hash = (hash ^ b) * 1099511628211UL;
        return unchecked((long)hash);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken), RenewLeasesAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        var settings = new NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false, KeepAlive = 15 };
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(settings.ConnectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => Received(e.Channel, e.Payload);
                await using (var listen = new NpgsqlCommand(
                    $"LISTEN {PostgresSql.WorkChannel}; LISTEN {PostgresSql.InboundChannel}; LISTEN {PostgresSql.FeedChannel}; " +
                    $"LISTEN {PostgresSql.SubscriptionsChannel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                // Whatever was said while this node was not listening: look at the store now, with fresh webhooks.
                subscriptions.Forget(null);
                deliveries.Notify();
                inbound.Notify();
                while (!ct.IsCancellationRequested)
                    await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(e);
                try { await Task.Delay(TimeSpan.FromSeconds(1), time, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Received(string channel, string payload)
    {
        switch (channel)
        {
            case PostgresSql.WorkChannel:
                deliveries.Notify();
                break;
            case PostgresSql.InboundChannel:
                inbound.Notify();
                break;
            case PostgresSql.SubscriptionsChannel:
                var (from, id) = (payload[..Math.Max(payload.LastIndexOf('|'), 0)], payload[(payload.LastIndexOf('|') + 1)..]);
                if (from != Node)
                    subscriptions.Forget(Guid.TryParse(id, out var one) ? one : null);
                break;
            case PostgresSql.FeedChannel when _local is { } local:
                FeedMessage? message;
                try
                {
                    message = JsonSerializer.Deserialize<FeedMessage>(payload, Json);
                }
                catch (JsonException e)
                {
                    LogFeedUnreadable(e); // a node of another version, say: its entries are missing here, nothing else
                    return;
                }
                if (message is null || message.Node == Node)
                    return; // this node's own, already in its feed
                foreach (var entry in message.Entries)
                {
                    if (entry.Attempt is { } attempt)
                        local.AttemptRecorded(attempt);
                    if (entry.State is { } state)
                        local.DeliveryStateChanged(state);
                }
                break;
        }
    }

    /// <summary>
    /// Sends what this node has to say, in one round trip for all that is waiting: the live-log entries packed into as few
    /// notifications as their size allows (a NOTIFY takes a cluster-wide lock at commit, so fewer is much cheaper).
    /// </summary>
    private async Task SendAsync(CancellationToken ct)
    {
        var pending = new List<(string Channel, string Payload)>(100);
        var feed = new List<string>();
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(ct))
            {
                while (pending.Count < 100 && _outgoing.Reader.TryRead(out var item))
                {
                    pending.Add(item);
                    Interlocked.Decrement(ref _waiting);
                }
                try
                {
                    await using var connection = await store.Relaxed.OpenConnectionAsync(ct);
                    await using var batch = new NpgsqlBatch(connection);
                    var size = 0;
                    void Flush()
                    {
                        if (feed.Count == 0)
                            return;
                        // {"node":…,"entries":[…]}: the entries as Tell serialized them, each once.
                        var payload = $"{{\"node\":{JsonSerializer.Serialize(Node)},\"entries\":[{string.Join(',', feed)}]}}";
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.Notify) { Parameters = { new("channel", PostgresSql.FeedChannel), new("payload", payload) } });
                        feed.Clear();
                        size = 0;
                    }
                    foreach (var (channel, payload) in pending)
                    {
                        if (channel == PostgresSql.FeedChannel)
                        {
                            if (size + payload.Length > MaxPayload)
                                Flush();
                            feed.Add(payload);
                            size += payload.Length + 1;
                        }
                        else
                            batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.Notify) { Parameters = { new("channel", channel), new("payload", payload) } });
                    }
                    Flush();
                    await batch.ExecuteNonQueryAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogNotifyFailed(e, pending.Count); // the live log of the other nodes misses these; the store has them
                    await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                }
                pending.Clear();
                feed.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* stopping */ }
    }

    /// <summary>Keeps this node's claims while their attempts run; a node that stops renewing loses them after one lease.</summary>
    private async Task RenewLeasesAsync(CancellationToken ct)
    {
        var lease = options.Value.LeaseDuration;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, time, ct);
                await using var connection = await store.Relaxed.OpenConnectionAsync(ct);
                await using var renew = new NpgsqlCommand(PostgresSql.RenewLeases, connection)
                {
                    Parameters = { new("leaseUntil", (time.GetUtcNow() + lease).ToUniversalTime()), new("node", Node) },
                };
                await renew.ExecuteNonQueryAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRenewFailed(e);
            }
        }
    }

    private void Tell(AttemptRecorded? attempt, DeliveryStateChanged? state)
    {
        if (Volatile.Read(ref _waiting) >= MaxWaiting)
            return;
        if (attempt is { Failure.Length: > MaxFailureLength })
            attempt = attempt with { Failure = attempt.Failure[..MaxFailureLength] + "…" };
        Enqueue(PostgresSql.FeedChannel, JsonSerializer.Serialize(new FeedEntry(attempt, state), Json));
    }

    /// <summary>A notification of the live log: a node's entries since its last one.</summary>
    private sealed record FeedMessage(string Node, List<FeedEntry> Entries);

    private sealed record FeedEntry(AttemptRecorded? Attempt, DeliveryStateChanged? State);

    /// <summary>The feed this node's engine tells: this node's own, and through NOTIFY every other node's.</summary>
    private sealed class Broadcasting(IDeliveryObserver local, PostgresCluster cluster) : IDeliveryObserver
    {
        public void AttemptRecorded(AttemptRecorded attempt)
        {
            local.AttemptRecorded(attempt);
            cluster.Tell(attempt, null);
        }

        public void DeliveryStateChanged(DeliveryStateChanged change)
        {
            local.DeliveryStateChanged(change);
            cluster.Tell(null, change);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A live-log notification from another node could not be read; its entries are not shown here")]
    private partial void LogFeedUnreadable(Exception e);

    [LoggerMessage(LogLevel.Warning, "Listening for the other nodes failed; listening again in a second")]
    private partial void LogListenFailed(Exception e);

    [LoggerMessage(LogLevel.Warning, "Telling the other nodes of {Count} live-log entries failed; their live logs miss them (the store has them)")]
    private partial void LogNotifyFailed(Exception e, int count);

    [LoggerMessage(LogLevel.Warning, "Renewing this node's delivery leases failed; trying again shortly (a lease that lapses lets another node send the delivery)")]
    private partial void LogRenewFailed(Exception e);
}
