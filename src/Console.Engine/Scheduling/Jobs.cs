using Quartz;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Scheduling;

/// <summary>A retry fell due: the dispatcher claims it from the store.</summary>
public sealed class DeliveryWakeJob(DeliverySignal signal) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        signal.Notify();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Every minute: disables webhooks that have only failed for the configured time. Once per cluster: on PostgreSQL under an advisory
/// lock, so while one node sweeps the others skip their turn (<see cref="ICluster.RunExclusiveAsync"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed class SubscriptionHealthJob(SubscriptionHealth health, ICluster cluster) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await cluster.RunExclusiveAsync("subscription-health", async ct => await health.SweepAsync(ct), cancellationToken);
}

/// <summary>
/// Every minute: removes what is past its retention time, when <c>Retention:Interval</c> has passed since the last sweep. Once per
/// cluster, as <see cref="SubscriptionHealthJob"/>.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(Retention.RetentionSweeper sweeper, ICluster cluster) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await cluster.RunExclusiveAsync("retention", async ct => await sweeper.SweepIfDueAsync(ct), cancellationToken);
}
