namespace WebhookConsole.Engine;

/// <summary>Settings of the embedded engine, bound from configuration at start-up.</summary>
public sealed class WebhookEngineOptions
{
    /// <summary>SQLite connection string of the embedded store.</summary>
    public string ConnectionString { get; set; } = "Data Source=console.db";

    /// <summary>An API key to create at start (for scripts and tests); empty for none.</summary>
    public string? BootstrapApiKey { get; set; }
}
