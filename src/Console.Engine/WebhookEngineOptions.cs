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

    /// <summary>How long a rotated-out secret keeps signing alongside the new one.</summary>
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);
}
