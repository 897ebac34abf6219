using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Audit;

/// <summary>Writes and reads the audit trail. Entries are added to the caller's context so they commit with the change.</summary>
public sealed class AuditLog(IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Adds an entry to <paramref name="db"/>; it is saved with the caller's SaveChanges.</summary>
    public void Add(ConsoleDbContext db, string actor, string action, string targetType, string targetId,
        string? targetName, IReadOnlyDictionary<string, object?>? changes = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            TargetName = targetName,
            Changes = changes is { Count: > 0 } ? JsonSerializer.Serialize(changes) : null,
        });
    }

    /// <summary>One page of entries, newest first, optionally filtered by text in the action, actor or target.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> QueryAsync(
        string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(e => e.Action.Contains(s) || e.Actor.Contains(s) ||
                                     (e.TargetName != null && e.TargetName.Contains(s)) || e.TargetId == s);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(ct);
        return (items, total);
    }
}
