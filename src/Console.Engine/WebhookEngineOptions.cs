namespace WebhookConsole.Engine;

/// <summary>Settings of the embedded engine, bound from configuration at start-up.</summary>
public sealed class WebhookEngineOptions
{
    /// <summary>Which database the store is (<c>Store:Provider</c>): the embedded SQLite file, or PostgreSQL shared by several nodes.</summary>
    public StoreProvider StoreProvider { get; set; } = StoreProvider.Sqlite;

    /// <summary>The store's connection string (<c>ConnectionStrings:Console</c>): a SQLite file, or an Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=console.db";

    /// <summary>
    /// This process's name among the nodes sharing a PostgreSQL store (<c>Store:NodeName</c>), kept on the deliveries it claims.
    /// Unique per process: the default is the machine's name and the process id.
    /// </summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// How long a claim on PostgreSQL holds without being renewed (<c>Store:LeaseDuration</c>); the node renews it every third of
    /// that while the attempt runs. A node that dies loses its claims to the others this long after its last renewal.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

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

/// <summary>The database behind the store.</summary>
public enum StoreProvider
{
    /// <summary>One file beside the app, one console process: the default.</summary>
    Sqlite,
    /// <summary>A PostgreSQL database that any number of console processes share.</summary>
    PostgreSQL,
}
