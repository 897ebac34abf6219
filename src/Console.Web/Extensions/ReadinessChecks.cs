using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Telemetry;
using WebhookConsole.Web.Observability;

namespace WebhookConsole.Web.Extensions;

/// <summary>Healthy while the delivery dispatcher's loop runs: started, and neither stopped nor crashed.</summary>
public sealed class DispatcherHealthCheck(DeliveryDispatcher dispatcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(dispatcher.ExecuteTask switch
        {
            null => HealthCheckResult.Unhealthy("The delivery dispatcher has not started yet."),
            { IsCompleted: false } => HealthCheckResult.Healthy(),
            _ => HealthCheckResult.Unhealthy("The delivery dispatcher has stopped: nothing is being sent."),
        });
}

/// <summary>Healthy while the oldest due delivery has waited less than <see cref="HealthOptions.MaxBacklogAge"/> past its time.</summary>
public sealed class BacklogHealthCheck(Backlog backlog, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = await backlog.ReadAsync(cancellationToken);
        var max = options.Value.MaxBacklogAge;
        return now.OldestDueAge <= max
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The oldest due delivery has waited {now.OldestDueAge.TotalSeconds:0} s, longer than Health:MaxBacklogAge ({max.TotalSeconds:0} s).");
    }
}
