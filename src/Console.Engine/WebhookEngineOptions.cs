namespace WebhookConsole.Engine;

/// <summary>Settings of the embedded engine, bound from configuration at start-up.</summary>
public sealed class WebhookEngineOptions
{
    /// <summary>SQLite connection string of the embedded store.</summary>
    public string ConnectionString { get; set; } = "Data Source=console.db";

    /// <summary>An API key to create at start (for scripts and tests); empty for none.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>Allows plain-http destination URLs (<c>Webhooks:AllowHttp</c>); https only when false.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Allows loopback, private, link-local and metadata addresses (<c>Webhooks:AllowPrivateNetworks</c>).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How many attempts may be in flight at once across all endpoints.</summary>
    public int MaxConcurrentAttempts { get; set; } = 32;

    /// <summary>How many attempts may be in flight at once to one endpoint (a subscription may set its own).</summary>
    public int MaxConcurrentPerEndpoint { get; set; } = 8;

    /// <summary>Retry delays vary by up to this fraction either way (0.1 = ±10 %), so retries after an outage do not arrive together.</summary>
    public double RetryJitter { get; set; } = 0.1;

    /// <summary>A subscription whose deliveries have only failed for this long is disabled (<c>Webhooks:AutoDisableAfter</c>).</summary>
    public TimeSpan AutoDisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>On stop, attempts in flight get this long to finish; the rest go back to pending.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Tags attempt metrics with the webhook id (<c>Metrics:WebhookIdTag</c>); off by default, as each webhook adds series.</summary>
    public bool MetricsWebhookIdTag { get; set; }

    /// <summary>How long a rotated-out secret keeps signing alongside the new one.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);
}
