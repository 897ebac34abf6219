using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Web.Extensions;

/// <summary>
/// Healthy when the SQLite store answers a query; Degraded (still 200: it reads, and it takes requests again by itself) while its
/// disk is full and writes are refused.
/// </summary>
public sealed class StoreHealthCheck(IDbContextFactory<ConsoleDbContext> dbFactory, StoreSpace space) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
                return HealthCheckResult.Unhealthy("The store cannot be opened.");
            return space.FullSince is { } since
                ? HealthCheckResult.Degraded($"The store cannot write since {since:u}: its disk is full. Publishing and inbound URLs answer 503 with Retry-After until there is room.")
                : HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store cannot be opened.", e);
        }
    }
}
