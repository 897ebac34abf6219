namespace WebhookConsole.Engine.Retention;

/// <summary>The <c>Retention:*</c> settings: how long each log is kept, and how the sweep removes what is older.</summary>
public sealed class RetentionOptions
{
    /// <summary>Attempt log rows, and the finished deliveries whose attempts are all gone, are kept this long.</summary>
    public TimeSpan Attempts { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A finished delivery's body (the bytes sent) is kept this long after it finished; the row and its attempts stay.</summary>
    public TimeSpan DeliveryBodies { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Inbound request log rows are kept this long (a request still being processed is never removed).</summary>
    public TimeSpan InboundRequests { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Assistant session log entries are kept this long.</summary>
    public TimeSpan SessionLogs { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the sweep runs (the scheduler looks every minute).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows removed per transaction: small, so deliveries' own writes never wait long behind the sweep.</summary>
    public int BatchSize { get; set; } = 500;
}
