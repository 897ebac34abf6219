namespace WebhookConsole.Web.Observability;

/// <summary>The <c>Metrics:*</c> settings: the Prometheus endpoint and who may read it.</summary>
public sealed class MetricsOptions
{
    /// <summary>Serves <c>GET /metrics</c> in Prometheus text format.</summary>
    public bool Enabled { get; set; }

    /// <summary>Lets anyone read <c>/metrics</c> without an API key (for a scraper on a trusted network).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Tags attempt metrics with the webhook id: one more series per webhook, so off by default.</summary>
    public bool WebhookIdTag { get; set; }
}

/// <summary>The <c>Health:*</c> settings of <c>/health/ready</c>.</summary>
public sealed class HealthOptions
{
    /// <summary>Not ready when the oldest due delivery has waited longer than this past its time.</summary>
    public TimeSpan MaxBacklogAge { get; set; } = TimeSpan.FromMinutes(5);
}
