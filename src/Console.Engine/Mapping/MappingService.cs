using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Mapping;

/// <summary>What a person or API call sets on a mapping.</summary>
public sealed record MappingInput(string Name, IReadOnlyList<MappedField> Fields, string? EventType = null, string? SampleJson = null);

/// <summary>The mapping was refused; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class MappingValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The mapping was not saved: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Creates, changes and removes mappings; every change is audited.</summary>
public sealed class MappingService(IDbContextFactory<ConsoleDbContext> dbFactory, EventCatalog catalog, AuditLog audit,
    Subscriptions.SubscriptionCache subscriptions, TimeProvider time)
{
    /// <summary>A sample larger than this is not kept with the mapping (the mapping itself still saves).</summary>
    public const int MaxSampleChars = 256 * 1024;

    public async Task<IReadOnlyList<FieldMapping>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<FieldMapping>().AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
    }

    public async Task<FieldMapping?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<FieldMapping>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
    }

    public async Task<FieldMapping> CreateAsync(MappingInput input, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var mapping = new FieldMapping { Name = "", CreatedAt = now, UpdatedAt = now };
        Apply(mapping, input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(mapping);
        audit.Add(db, actor, "mapping.created", "mapping", mapping.Id.ToString(), mapping.Name, Describe(mapping));
        await db.SaveChangesAsync(ct);
        return mapping;
    }

    /// <summary>Changes a mapping; null when it does not exist.</summary>
    public async Task<FieldMapping?> UpdateAsync(Guid id, MappingInput input, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mapping = await db.Set<FieldMapping>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null)
            return null;
        var before = Describe(mapping);
        Apply(mapping, input);
        mapping.UpdatedAt = time.GetUtcNow();
        var changes = Describe(mapping).Where(kv => before[kv.Key]?.ToString() != kv.Value?.ToString())
            .ToDictionary(kv => kv.Key, kv => (object?)new { from = before[kv.Key], to = kv.Value });
        if (changes.Count > 0)
            audit.Add(db, actor, "mapping.updated", "mapping", id.ToString(), mapping.Name, changes);
        await db.SaveChangesAsync(ct);
        return mapping;
    }

    /// <summary>Deletes a mapping; inbound and outbound webhooks that used it go back to unmapped.</summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mapping = await db.Set<FieldMapping>().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null)
            return false;
        db.Remove(mapping);
        audit.Add(db, actor, "mapping.deleted", "mapping", id.ToString(), mapping.Name, Describe(mapping));
        await db.SaveChangesAsync(ct);
        await db.Set<InboundWebhook>().Where(w => w.MappingId == id).ExecuteUpdateAsync(u => u.SetProperty(w => w.MappingId, (Guid?)null), ct);
        await db.Subscriptions.Where(s => s.MappingId == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.MappingId, (Guid?)null), ct);
        subscriptions.InvalidateAll();
        return true;
    }

    private void Apply(FieldMapping mapping, MappingInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors["name"] = ["Give the mapping a name of 1 to 200 characters."];
        var fields = new List<MappedField>();
        var problems = new List<string>();
        foreach (var field in input.Fields ?? [])
        {
            var source = field.Source?.Trim() ?? "";
            var target = field.Target?.Trim() ?? "";
            if (!FieldPath.TryParse(source, out _, out var pathError))
                problems.Add($"Source: {pathError}");
            else if (MappingTargets.Problem(target) is { } targetError)
                problems.Add(targetError);
            else if (fields.FirstOrDefault(f => Overlaps(f.Target, target)) is { } other)
                problems.Add(other.Target == target
                    ? $"Two fields are mapped to '{target}': give each its own target."
                    : $"'{other.Target}' and '{target}' cannot both be targets: one is inside the other.");
            else
                fields.Add(new MappedField(source, target));
        }
        if (problems.Count > 0)
            errors["fields"] = [.. problems];
        else if (fields.Count == 0)
            errors["fields"] = ["Pick at least one field to map."];
        else if (fields.Count > 200)
            errors["fields"] = ["A mapping holds at most 200 fields."];
        string? eventType = null;
        if (!string.IsNullOrWhiteSpace(input.EventType))
        {
            if (catalog.TryResolve(input.EventType.Trim(), out var type))
                eventType = type.Type;
            else
                errors["eventType"] = [$"'{input.EventType}' is not an event type or alias. GET /api/v1/event-types lists them."];
        }
        var sample = input.SampleJson;
        if (sample is not null && !IsJson(sample))
            errors["sample"] = ["The sample is not valid JSON."];
        if (errors.Count > 0)
            throw new MappingValidationException(errors);

        mapping.Name = name;
        mapping.Fields = fields;
        mapping.EventType = eventType;
        mapping.SampleJson = sample is { Length: <= MaxSampleChars } ? sample : mapping.SampleJson;
    }

    private static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + ".", StringComparison.Ordinal) || b.StartsWith(a + ".", StringComparison.Ordinal);

    private static bool IsJson(string text)
    {
        try { JsonNode.Parse(text); return true; }
        catch (JsonException) { return false; }
    }

    private static Dictionary<string, object?> Describe(FieldMapping m) => new()
    {
        ["name"] = m.Name,
        ["fields"] = string.Join(", ", m.Fields.Select(f => $"{f.Source} → {f.Target}")),
        ["eventType"] = m.EventType,
    };
}
