using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;

namespace WebhookConsole.Engine.Actions;

/// <summary>Creates, changes and removes assistants' webhook actions; every change is audited, no secret header value ever is.</summary>
public sealed class ActionService(
    IDbContextFactory<ConsoleDbContext> dbFactory, ActionValidator validator, ISecretProtector protector, AuditLog audit, TimeProvider time)
{
    /// <summary>The actions of one assistant (or of all, when null), by name.</summary>
    public async Task<IReadOnlyList<AssistantAction>> ListAsync(Guid? assistantId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<AssistantAction>().AsNoTracking();
        if (assistantId is { } id)
            query = query.Where(a => a.AssistantId == id);
        return await query.OrderBy(a => a.Name).ToListAsync(ct);
    }

    public async Task<AssistantAction?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AssistantAction>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    /// <summary>Creates an action for an existing assistant.</summary>
    public async Task<AssistantAction> CreateAsync(ActionInput input, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var action = new AssistantAction
        {
            AssistantId = input.AssistantId, Name = "", Url = "", Method = "", TriggerName = "", TriggerDescription = "",
            TriggerParameters = TriggerSchema.Empty, CreatedAt = now, UpdatedAt = now,
        };
        await ApplyAsync(db, action, input, ct);
        db.Add(action);
        audit.Add(db, actor, "action.created", "action", action.Id.ToString(), action.Name, Describe(action));
        await db.SaveChangesAsync(ct);
        return action;
    }

    /// <summary>Changes an action (all fields); null when it does not exist.</summary>
    public async Task<AssistantAction?> UpdateAsync(Guid id, ActionInput input, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var action = await db.Set<AssistantAction>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (action is null)
            return null;
        var before = Describe(action);
        var secretsBefore = SecretValues(action);
        await ApplyAsync(db, action, input, ct);
        var after = Describe(action);
        var changes = after.Where(kv => !Equals(before.GetValueOrDefault(kv.Key)?.ToString(), kv.Value?.ToString()))
            .ToDictionary(kv => kv.Key, kv => (object?)new { from = before.GetValueOrDefault(kv.Key), to = kv.Value });
        if (!SecretValues(action).SequenceEqual(secretsBefore))
            changes["secretHeaderValues"] = "(changed)";
        if (changes.Count > 0)
        {
            action.UpdatedAt = time.GetUtcNow();
            audit.Add(db, actor, "action.updated", "action", id.ToString(), action.Name, changes);
            await db.SaveChangesAsync(ct);
        }
        return action;
    }

    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var action = await db.Set<AssistantAction>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (action is null)
            return false;
        db.Remove(action);
        audit.Add(db, actor, "action.deleted", "action", id.ToString(), action.Name, Describe(action));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The header templates in plaintext, as they are substituted and sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PlainHeaders(AssistantAction action) =>
        action.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Protected ? protector.Unprotect(h.Value) : h.Value)).ToList();

    private async Task ApplyAsync(ConsoleDbContext db, AssistantAction action, ActionInput input, CancellationToken ct)
    {
        var errors = await validator.ValidateAsync(input, action, ct);
        if (!errors.ContainsKey("assistantId") && !await db.Set<Assistant>().AnyAsync(a => a.Id == input.AssistantId, ct))
            errors["assistantId"] = [$"There is no assistant {input.AssistantId}. Create the assistant first (Settings → Assistants)."];
        var triggerName = input.Trigger?.Name?.Trim();
        if (!errors.ContainsKey("trigger.name") && await db.Set<AssistantAction>()
                .AnyAsync(a => a.AssistantId == input.AssistantId && a.Id != action.Id && a.TriggerName == triggerName, ct))
            errors["trigger.name"] = [$"This assistant already has an action triggered by '{triggerName}'; trigger names must differ so the model can tell them apart."];
        if (errors.Count > 0)
            throw new InvalidInputException("The action was not saved", errors);

        action.AssistantId = input.AssistantId;
        action.Name = input.Name!.Trim();
        action.Url = input.Url!.Trim();
        action.Method = input.Method!.Trim().ToUpperInvariant();
        action.Headers = StoredHeaders(input.Headers ?? [], action.Headers);
        action.Body = string.IsNullOrWhiteSpace(input.Body) ? null : input.Body;
        action.ResponseDirective = string.IsNullOrWhiteSpace(input.ResponseDirective) ? null : input.ResponseDirective.Trim();
        action.InterpretResponse = input.InterpretResponse;
        action.TriggerName = triggerName!;
        action.TriggerDescription = input.Trigger!.Description!.Trim();
        action.TriggerParameters = string.IsNullOrWhiteSpace(input.Trigger.Parameters) ? TriggerSchema.Empty : input.Trigger.Parameters.Trim();
        action.TimeoutSeconds = input.TimeoutSeconds;
    }

    // Values of Authorization-like headers are secrets: stored protected; a null value keeps what is stored.
    private List<ActionHeader> StoredHeaders(IEnumerable<ActionHeaderInput> input, IReadOnlyList<ActionHeader> stored)
    {
        var headers = new List<ActionHeader>();
        foreach (var header in input.Where(h => !string.IsNullOrWhiteSpace(h.Key)))
        {
            var key = header.Key!.Trim();
            if (header.Value is null)
            {
                headers.Add(stored.First(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)) with { Key = key });
                continue;
            }
            headers.Add(SecretNames.IsSensitiveHeader(key) ? new ActionHeader(key, protector.Protect(header.Value), true) : new ActionHeader(key, header.Value));
        }
        return headers;
    }

    // What the audit shows: header names, never their values; the body only as "changed".
    private static Dictionary<string, object?> Describe(AssistantAction a) => new()
    {
        ["assistantId"] = a.AssistantId,
        ["name"] = a.Name,
        ["method"] = a.Method,
        ["url"] = a.Url,
        ["headers"] = string.Join(", ", a.Headers.Select(h => h.Key)),
        ["plainHeaderValues"] = string.Join(", ", a.Headers.Where(h => !h.Protected).Select(h => h.Value)),
        ["body"] = a.Body is null ? null : $"({a.Body.Length} characters, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(a.Body)))[..12].ToLowerInvariant()})",
        ["responseDirective"] = a.ResponseDirective,
        ["interpretResponse"] = a.InterpretResponse,
        ["trigger"] = a.TriggerName,
        ["triggerDescription"] = a.TriggerDescription,
        ["parameters"] = a.TriggerParameters,
        ["timeoutSeconds"] = a.TimeoutSeconds,
    };

    private List<string> SecretValues(AssistantAction a) =>
        a.Headers.Where(h => h.Protected).Select(h => h.Key + "=" + protector.Unprotect(h.Value)).ToList();
}
