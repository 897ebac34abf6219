using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// A real engine (a SQLite file, or a PostgreSQL database where a subclass says so; manual clock) and a real receiver on
/// 127.0.0.1, with the dispatcher's steps done by hand.
/// </summary>
public abstract class DeliveryTestBase : IAsyncLifetime
{
    protected TestEngine Engine { get; private set; } = default!;
    protected TestReceiver Receiver { get; private set; } = default!;

    /// <summary>The store under the tests: SQLite unless a subclass runs them again on PostgreSQL.</summary>
    protected virtual Engine.StoreProvider Provider => WebhookConsole.Engine.StoreProvider.Sqlite;

    public virtual async Task InitializeAsync()
    {
        Engine = await TestEngine.StartAsync(provider: Provider);
        Engine.Get<DeliveryWorker>().JitterSample = () => 0.5; // the middle of the jitter range: exactly the schedule
        Receiver = await TestReceiver.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Engine.DisposeAsync();
    }

    protected async Task<WebhookDelivery> OnlyDeliveryAsync()
    {
        await using var db = Engine.Db();
        return await db.Deliveries.SingleAsync(d => !d.IsTest);
    }

    /// <summary>What the dispatcher does for a due delivery: claim it, then attempt it.</summary>
    protected Task<DeliveryAttempt> AttemptDueAsync() => Engine.AttemptDueAsync();
}
