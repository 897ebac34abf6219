using Quartz;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Scheduling;

/// <summary>A retry fell due: the dispatcher claims it from the store.</summary>
public sealed class DeliveryWakeJob(DeliverySignal signal) : IJob
{
    public Task Execute(IJobExecutionContext context)
    {
        signal.Notify();
        return Task.CompletedTask;
    }
}

/// <summary>Every minute: disables webhooks that have only failed for the configured time.</summary>
[DisallowConcurrentExecution]
public sealed class SubscriptionHealthJob(SubscriptionHealth health) : IJob
{
    public Task Execute(IJobExecutionContext context) => health.SweepAsync(context.CancellationToken);
}
