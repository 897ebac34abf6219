using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookConsole.Web.Extensions;

/// <summary>
/// Maps the health answers: <c>/health</c> (the store), <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the store
/// answers, the dispatcher runs, the backlog is not too old). Each is <c>{"status":"Healthy",...}</c> with 200, or 503 with the failing checks.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks <c>/health</c> runs.</summary>
    public const string StoreTag = "store";
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The health answer: overall status and each check's.</summary>
    public sealed record HealthReportDto(string Status, IReadOnlyDictionary<string, HealthCheckDto> Checks);

    /// <summary>One check's status and, when not healthy, why.</summary>
    public sealed record HealthCheckDto(string Status, string? Description);

    /// <summary>Registers the store, dispatcher and backlog checks.</summary>
    public static IServiceCollection AddConsoleHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [StoreTag, ReadyTag])
            .AddCheck<DispatcherHealthCheck>("dispatcher", tags: [ReadyTag])
            .AddCheck<BacklogHealthCheck>("backlog", tags: [ReadyTag]);
        return services;
    }

    public static void MapConsoleHealth(this IEndpointRouteBuilder app)
    {
        Map(app, "/health", c => c.Tags.Contains(StoreTag), "Healthy when the store answers.");
        Map(app, "/health/live", _ => false, "Healthy while the process answers (runs no check): for a liveness probe.");
        Map(app, "/health/ready", c => c.Tags.Contains(ReadyTag),
            "Healthy when the store answers, the delivery dispatcher runs and the oldest due delivery is younger than Health:MaxBacklogAge: for a readiness probe.");
    }

    private static void Map(IEndpointRouteBuilder app, string path, Func<HealthCheckRegistration, bool> predicate, string summary) =>
        app.MapGet(path, async (HealthCheckService health, CancellationToken ct) =>
            {
                var report = await health.CheckHealthAsync(predicate, ct);
                var dto = new HealthReportDto(report.Status.ToString(),
                    report.Entries.ToDictionary(e => e.Key, e => new HealthCheckDto(e.Value.Status.ToString(), e.Value.Description)));
                return TypedResults.Json(dto, statusCode: report.Status == HealthStatus.Unhealthy ? 503 : 200);
            })
            .AllowAnonymous()
            .WithTags("Health")
            .WithSummary(summary)
            .Produces<HealthReportDto>(StatusCodes.Status200OK)
            .Produces<HealthReportDto>(StatusCodes.Status503ServiceUnavailable);
}
