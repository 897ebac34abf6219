using System.Diagnostics.Metrics;

namespace WebhookConsole.Engine.Telemetry;

/// <summary>The observable gauges: deliveries waiting by state, the oldest due delivery's age, webhooks by health.</summary>
public sealed class BacklogGauges
{
    public BacklogGauges(IMeterFactory meters, Backlog backlog)
    {
        var meter = meters.Create(ConsoleTelemetry.Name);
        meter.CreateObservableGauge("webhook_console.backlog", () =>
        {
            var now = backlog.Recent();
            return new[]
            {
                new Measurement<int>(now.Pending, new KeyValuePair<string, object?>("state", "pending")),
                new Measurement<int>(now.Retrying, new KeyValuePair<string, object?>("state", "retrying")),
            };
        }, "{delivery}", "Deliveries waiting to be sent, by state.");
        meter.CreateObservableGauge("webhook_console.backlog.oldest_due_age", () => backlog.Recent().OldestDueAge.TotalSeconds,
            "s", "How long the oldest due delivery has waited past its time (0 when none is due).");
        meter.CreateObservableGauge("webhook_console.webhooks", () =>
        {
            var now = backlog.Recent();
            return new[]
            {
                new Measurement<int>(now.Healthy, new KeyValuePair<string, object?>("health", "healthy")),
                new Measurement<int>(now.Failing, new KeyValuePair<string, object?>("health", "failing")),
                new Measurement<int>(now.Disabled, new KeyValuePair<string, object?>("health", "disabled")),
            };
        }, "{webhook}", "Outbound webhooks by health.");
    }
}
