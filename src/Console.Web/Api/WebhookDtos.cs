using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Web.Api;

/// <summary>A custom header as sent to and shown by the API (values are masked once saved).</summary>
public sealed record HeaderDto(string Key, string? Value);

/// <summary>Create or change a webhook. On update, a header whose value is null keeps its stored value.</summary>
public sealed record WebhookRequest(
    string? Name, string? Url, string[]? Events, bool? Enabled, HeaderDto[]? Headers, int[]? RetrySchedule,
    int? TimeoutSeconds, string? AssistantId, int? MaxConcurrency = null, int? RateLimitPerSecond = null, Guid? MappingId = null)
{
    public SubscriptionInput ToInput() => new(
        Name ?? "", Url ?? "", Events ?? [], Enabled ?? true,
        Headers?.Select(h => new HeaderInput(h.Key, h.Value)).ToList(), AssistantId, TimeoutSeconds ?? 10, RetrySchedule,
        MaxConcurrency, RateLimitPerSecond, MappingId);
}

/// <summary>A webhook as the API shows it. <see cref="Secret"/> is present only in the answers to create and rotate.</summary>
public sealed record WebhookDto(
    Guid Id, string Name, string Url, IReadOnlyList<string> Events, bool Enabled, IReadOnlyList<HeaderDto> Headers,
    IReadOnlyList<int> RetrySchedule, int TimeoutSeconds, string? AssistantId, string? MappingId, string Status,
    DateTimeOffset? LastDeliveryAt, DateTimeOffset? FailingSince, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? DisabledReason, int? MaxConcurrency, int? RateLimitPerSecond, string? Secret = null)
{
    public const string MaskedValue = "••••••••";

    public static WebhookDto From(WebhookSubscription s, string? secret = null) => new(
        s.Id, s.Name, s.Url, s.Events, s.Enabled, s.Headers.Select(h => new HeaderDto(h.Key, MaskedValue)).ToList(),
        s.RetrySchedule, s.TimeoutSeconds, s.AssistantId, s.MappingId?.ToString(), s.Status.ToString().ToLowerInvariant(),
        s.LastDeliveryAt, s.FailingSince, s.CreatedAt, s.UpdatedAt, s.DisabledReason, s.MaxConcurrency, s.RateLimitPerSecond, secret);
}

/// <summary>Publish an event.</summary>
public sealed record PublishRequest(string? Type, System.Text.Json.Nodes.JsonNode? Data, string? Id, DateTimeOffset? OccurredAt);

/// <summary>The answer to publishing: the event id and how many deliveries were stored for it.</summary>
public sealed record PublishResponse(string Id, string Type, int Deliveries, bool Duplicate)
{
    public static PublishResponse From(WebhookConsole.Engine.Events.PublishResult r) => new(r.EventId, r.Type, r.Deliveries, r.Duplicate);
}

/// <summary>Which event type "Send test" sends (default: the webhook's first).</summary>
public sealed record TestRequest(string? EventType);

/// <summary>One attempt as the API shows it.</summary>
public sealed record AttemptDto(
    long Id, int Attempt, DateTimeOffset At, string Outcome, int? StatusCode, int DurationMs, string? Failure, bool IsTest,
    string RequestHeaders, string? ResponseHeaders, string? ResponseBody)
{
    public static AttemptDto From(DeliveryAttempt a) => new(a.Id, a.Number, a.At, a.Succeeded ? "succeeded" : "failed", a.StatusCode,
        a.DurationMs, a.Failure, a.IsTest, a.RequestHeaders, a.ResponseHeaders, a.ResponseBody);
}

/// <summary>The answer to "Send test".</summary>
public sealed record TestResponse(string EventType, string WebhookId, bool Succeeded, AttemptDto Attempt);

/// <summary>A delivery with its attempts.</summary>
public sealed record DeliveryDto(
    Guid Id, string WebhookId, string EventId, string EventType, string State, int AttemptCount, DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt, bool IsTest, string Body, IReadOnlyList<AttemptDto> Attempts)
{
    public static DeliveryDto From(DeliveryWithAttempts d) => new(
        d.Delivery.Id, d.Delivery.MessageId, d.Delivery.EventId, d.Delivery.EventType, DeliveryWorker.Name(d.Delivery.State),
        d.Delivery.AttemptCount, d.Delivery.CreatedAt, d.Delivery.NextAttemptAt, d.Delivery.CompletedAt, d.Delivery.IsTest,
        System.Text.Encoding.UTF8.GetString(d.Delivery.Body), d.Attempts.Select(AttemptDto.From).ToList());
}

/// <summary>Replay a webhook's deliveries created in [since, until]; status picks failed (default), cancelled or succeeded, comma-separated.</summary>
public sealed record ReplayRequest(DateTimeOffset? Since, DateTimeOffset? Until, string? Status);

/// <summary>A replay and how far it has come.</summary>
public sealed record ReplayDto(
    Guid Id, Guid WebhookId, DateTimeOffset Since, DateTimeOffset? Until, string Status, int Count, int Pending, int Succeeded, int Failed,
    bool Done, string Progress)
{
    public static ReplayDto From(ReplayProgress p) => new(p.Run.Id, p.Run.SubscriptionId, p.Run.Since, p.Run.Until, p.Run.States,
        p.Run.Count, p.Pending, p.Succeeded, p.Failed, p.Done, $"/api/v1/replays/{p.Run.Id}");
}

/// <summary>The answer to rotating a secret: the new one (shown once) and until when the old one still signs.</summary>
public sealed record RotateResponse(string Secret, DateTimeOffset? PreviousSecretExpiresAt);
