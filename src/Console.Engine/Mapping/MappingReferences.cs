using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Mapping;

/// <summary>Checks that a webhook's <c>mappingId</c> names a mapping that exists.</summary>
public static class MappingReferences
{
    /// <summary>Throws the subscription's validation error when <paramref name="mappingId"/> is set but unknown.</summary>
    public static async Task EnsureExistsAsync(ConsoleDbContext db, Guid? mappingId, CancellationToken ct)
    {
        if (mappingId is { } id && !await db.Set<FieldMapping>().AnyAsync(m => m.Id == id, ct))
            throw new SubscriptionValidationException(new Dictionary<string, string[]>
            {
                ["mappingId"] = [$"There is no mapping {id}. GET /api/v1/mappings lists them."],
            });
    }
}
