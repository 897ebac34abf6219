namespace WebhookConsole.Engine.Delivery;

/// <summary>One HTTP attempt of a delivery, as the delivery log shows it.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public Guid SubscriptionId { get; set; }
    public required string EventType { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    public int DurationMs { get; set; }
    public bool Succeeded { get; set; }
    public bool IsTest { get; set; }
    public int? StatusCode { get; set; }
    /// <summary>Why it failed, in words: "timeout after 10 s", "connection refused", "HTTP 500 Internal Server Error"…</summary>
    public string? Failure { get; set; }
    /// <summary>Request headers as JSON; custom header values and signatures masked.</summary>
    public required string RequestHeaders { get; set; }
    /// <summary>Response headers as JSON.</summary>
    public string? ResponseHeaders { get; set; }
    /// <summary>The first 64 KB of the response body.</summary>
    public string? ResponseBody { get; set; }
}
