namespace WebhookConsole.Engine.Delivery;

/// <summary>What one HTTP attempt came to.</summary>
public sealed record AttemptOutcome(
    bool Succeeded,
    int? StatusCode,
    string? Failure,
    int DurationMs,
    string RequestHeaders,
    string? ResponseHeaders,
    string? ResponseBody,
    TimeSpan? RetryAfter = null);
