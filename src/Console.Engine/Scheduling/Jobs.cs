using Quartz;
using WebhookConsole.Engine.Delivery;
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

/// <summary>Every minute: disables webhooks that have only failed for the configured time.</summary>
[DisallowConcurrentExecution]
public sealed class SubscriptionHealthJob(SubscriptionHealth health) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await health.SweepAsync(cancellationToken);
}

/// <summary>Every minute: removes what is past its retention time, when <c>Retention:Interval</c> has passed since the last sweep.</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(Retention.RetentionSweeper sweeper) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sweeper.SweepIfDueAsync(cancellationToken);
}
