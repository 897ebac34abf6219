using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Engine.Telemetry;

/// <summary>
/// The console's counters and histograms. Tags are bounded: event type (from the catalog), outcome, status class; the webhook
/// id only when <see cref="WebhookEngineOptions.MetricsWebhookIdTag"/> is on. The backlog and health gauges are in <see cref="BacklogGauges"/>.
/// </summary>
public sealed class EngineMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _deliveriesCreated;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _firstAttemptLatency;
    private readonly Counter<long> _inbound;
    private readonly Counter<long> _actionCalls;
    private readonly bool _webhookIdTag;

    public EngineMetrics(IMeterFactory meters, IOptions<WebhookEngineOptions> options)
    {
        var meter = meters.Create(ConsoleTelemetry.Name);
        _webhookIdTag = options.Value.MetricsWebhookIdTag;
        _published = meter.CreateCounter<long>("webhook_console.events.published", "{event}", "Events accepted (duplicates not counted).");
        _deliveriesCreated = meter.CreateCounter<long>("webhook_console.deliveries.created", "{delivery}", "Deliveries stored by publishing, one per matching webhook.");
        _attempts = meter.CreateCounter<long>("webhook_console.attempts", "{attempt}", "Delivery attempts recorded, by outcome and status class.");
        _attemptDuration = meter.CreateHistogram<double>("webhook_console.attempt.duration", "s", "How long an attempt's HTTP exchange took.");
        _firstAttemptLatency = meter.CreateHistogram<double>("webhook_console.delivery.first_attempt_latency", "s",
            "From publishing to the end of a delivery's first attempt.");
        _inbound = meter.CreateCounter<long>("webhook_console.inbound.requests", "{request}", "Requests to inbound URLs, by the status they were answered with.");
        _actionCalls = meter.CreateCounter<long>("webhook_console.action.calls", "{call}", "Assistant action calls, by outcome and status class.");
    }

    /// <summary>An event was stored with <paramref name="deliveries"/> deliveries.</summary>
    public void EventPublished(string eventType, int deliveries)
    {
        var tag = new KeyValuePair<string, object?>("event_type", eventType);
        _published.Add(1, tag);
        if (deliveries > 0)
            _deliveriesCreated.Add(deliveries, tag);
    }

    /// <summary>An attempt of <paramref name="delivery"/> was recorded at <paramref name="now"/>.</summary>
    public void AttemptRecorded(WebhookDelivery delivery, AttemptOutcome outcome, DateTimeOffset now)
    {
        var tags = new TagList
        {
            { "event_type", delivery.EventType },
            { "outcome", outcome.Succeeded ? "succeeded" : "failed" },
            { "status_class", ConsoleTelemetry.StatusClass(outcome.StatusCode) },
        };
        if (_webhookIdTag)
            tags.Add("webhook_id", delivery.SubscriptionId.ToString());
        _attempts.Add(1, tags);
        _attemptDuration.Record(outcome.DurationMs / 1000.0, tags);
        // The first attempt of the first cycle (not a resend, not "Send test"): how long the event waited to go out.
        if (delivery is { AttemptCount: 1, ScheduleStart: 0, IsTest: false })
            _firstAttemptLatency.Record(Math.Max(0, (now - delivery.CreatedAt).TotalSeconds), new KeyValuePair<string, object?>("event_type", delivery.EventType));
    }

    /// <summary>An inbound URL answered <paramref name="status"/>.</summary>
    public void InboundAnswered(int status) => _inbound.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>An assistant action call ended: <c>succeeded</c>, <c>failed</c> or <c>refused</c> (nothing sent).</summary>
    public void ActionCalled(string outcome, int? status) =>
        _actionCalls.Add(1, new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("status_class", ConsoleTelemetry.StatusClass(status)));
}
