using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>The dispatcher's steps, done by hand on a <see cref="TestEngine"/> (whose background dispatcher does not run).</summary>
public static class EngineDeliverySteps
{
    /// <summary>Claims the delivery due first and attempts it, as the dispatcher would; the worker reports to the engine's observer.</summary>
    public static async Task<DeliveryAttempt> AttemptDueAsync(this TestEngine engine)
    {
        Guid id;
        await using (var db = engine.Db())
        {
            var now = engine.Time.GetUtcNow();
            var delivery = await db.Deliveries.OrderBy(d => d.NextAttemptAt)
                .FirstAsync(d => (d.State == DeliveryState.Pending || d.State == DeliveryState.Retrying) && d.NextAttemptAt <= now);
            DeliveryTransitions.Start(delivery);
            await db.SaveChangesAsync();
            id = delivery.Id;
        }
        return (await engine.Get<DeliveryWorker>().AttemptAsync(id, CancellationToken.None))!;
    }
}
