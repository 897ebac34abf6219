namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// What the console processes sharing one store need of each other: a job that must run once at a time across all of them, and
/// word of new work. On SQLite there is one process, so <see cref="SingleNode"/> runs everything and tells no one; on PostgreSQL
/// <see cref="PostgreSql.PostgresCluster"/> uses advisory locks and NOTIFY.
/// </summary>
public interface ICluster
{
    /// <summary>
    /// Runs <paramref name="work"/> unless another node is running work of the same <paramref name="name"/> right now; returns
    /// whether it ran. The sweeps (health, retention) and inbound processing use it: each is safe to repeat, not to run twice at once.
    /// </summary>
    Task<bool> RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct = default);

    /// <summary>An inbound request was stored: every node's processor may take it up.</summary>
    void InboundAccepted();

    /// <summary>
    /// The observer the engine should tell, given this node's live feed: on PostgreSQL it also tells the other nodes, and their
    /// attempts reach <paramref name="local"/> too.
    /// </summary>
    Delivery.IDeliveryObserver Share(Delivery.IDeliveryObserver local);
}

/// <summary>The one process of a SQLite store: nothing to share, nothing to wait for.</summary>
public sealed class SingleNode : ICluster
{
    public async Task<bool> RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct = default)
    {
        await work(ct);
        return true;
    }

    public void InboundAccepted() { }

    public Delivery.IDeliveryObserver Share(Delivery.IDeliveryObserver local) => local;
}
