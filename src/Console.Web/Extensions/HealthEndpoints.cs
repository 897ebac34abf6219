using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookConsole.Web.Extensions;

/// <summary>Maps <c>GET /health</c>: <c>{"status":"Healthy"}</c> with 200, or 503 with the failing checks.</summary>
public static class HealthEndpoints
{
    /// <summary>The health answer: overall status and each check's.</summary>
    public sealed record HealthReportDto(string Status, IReadOnlyDictionary<string, HealthCheckDto> Checks);

    /// <summary>One check's status and, when not healthy, why.</summary>
    public sealed record HealthCheckDto(string Status, string? Description);

    public static void MapConsoleHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (HealthCheckService health, CancellationToken ct) =>
            {
                var report = await health.CheckHealthAsync(ct);
                var dto = new HealthReportDto(report.Status.ToString(),
                    report.Entries.ToDictionary(e => e.Key, e => new HealthCheckDto(e.Value.Status.ToString(), e.Value.Description)));
                return TypedResults.Json(dto, statusCode: report.Status == HealthStatus.Unhealthy ? 503 : 200);
            })
            .AllowAnonymous()
            .WithTags("Health")
            .WithSummary("Healthy when the store (and, once present, the scheduler) is up.");
}
