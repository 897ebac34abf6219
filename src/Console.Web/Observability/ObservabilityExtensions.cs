using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookConsole.Engine.Telemetry;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Web.Observability;

/// <summary>OpenTelemetry for the console: its own meter and spans, ASP.NET Core, HttpClient and runtime; Prometheus and OTLP export.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Who may read <c>/metrics</c>: the one place the API key's scope (<c>read</c> or <c>full</c>) is checked.</summary>
    public const string MetricsPolicy = "metrics";

    /// <summary>Registers OpenTelemetry; Prometheus when <c>Metrics:Enabled</c>, OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static WebApplicationBuilder AddConsoleObservability(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Metrics");
        var metrics = section.Get<MetricsOptions>() ?? new MetricsOptions();
        builder.Services.Configure<MetricsOptions>(section);
        builder.Services.AddOptions<HealthOptions>().BindConfiguration("Health")
            .Validate(o => o.MaxBacklogAge > TimeSpan.Zero, "Health:MaxBacklogAge must be a positive time span, e.g. \"00:05:00\".")
            .ValidateOnStart();
        builder.Services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            // A key with scope read or full (ApiScopeHandler: GET is a read), refused in words otherwise.
            .RequireAuthenticatedUser().AddRequirements(new ApiScopeRequirement()));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("webhook-console", serviceVersion: typeof(ObservabilityExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m =>
            {
                m.AddMeter(ConsoleTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (metrics.Enabled)
                    m.AddPrometheusExporter();
            })
            // Always traced (spans are cheap unexported): the trace context stored with each delivery and sent as traceparent needs it.
            .WithTracing(t => t
                .AddSource(ConsoleTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !IsNoise(c.Request.Path))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            DescribeMetrics(document, metrics);
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> when enabled, behind an API key unless <c>Metrics:AllowAnonymous</c>.</summary>
    public static WebApplication MapConsoleMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
            return app;
        app.Services.GetRequiredService<BacklogGauges>(); // the observable gauges exist once created
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.AllowAnonymous)
            endpoint.AllowAnonymous();
        else
            endpoint.RequireAuthorization(MetricsPolicy);
        return app;
    }

    // Scrapes, probes, static files and the Blazor circuit would drown the traces that matter.
    private static bool IsNoise(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/_framework")
        || path.StartsWithSegments("/_content") || path.StartsWithSegments("/_blazor") || Path.HasExtension(path.Value);

    private static void DescribeMetrics(OpenApiDocument document, MetricsOptions metrics)
    {
        if (!metrics.Enabled)
            return;
        var responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "The console's metrics in Prometheus text format (names and tags in README → Metrics).",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            },
        };
        if (!metrics.AllowAnonymous)
            responses["401"] = new OpenApiResponse { Description = "No API key, or a wrong or revoked one (problem+json)." };
        document.Paths ??= new OpenApiPaths();
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = "Prometheus scrape endpoint (when Metrics:Enabled); needs an API key unless Metrics:AllowAnonymous.",
                    Tags = new HashSet<OpenApiTagReference> { new("Observability", document) },
                    Responses = responses,
                },
            },
        };
    }
}
