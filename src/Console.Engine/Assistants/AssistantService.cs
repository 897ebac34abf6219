using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Assistants;

/// <summary>Creates, renames and removes assistants, and keeps the company id; every change is audited.</summary>
public sealed class AssistantService(IDbContextFactory<ConsoleDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>All assistants, by name.</summary>
    public async Task<IReadOnlyList<Assistant>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Assistant>().AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
    }

    public async Task<Assistant?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Assistant>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    /// <summary>How many actions each assistant has.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> ActionCountsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AssistantAction>().GroupBy(a => a.AssistantId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    /// <summary>Creates an assistant; <paramref name="id"/> lets it match an id the assistant already has elsewhere (seed 003's botId).</summary>
    public async Task<Assistant> CreateAsync(string? name, string actor, Guid? id = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var assistant = new Assistant { Id = id ?? Guid.NewGuid(), Name = ValidName(name), CreatedAt = now, UpdatedAt = now };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (id is not null && await db.Set<Assistant>().AnyAsync(a => a.Id == id, ct))
            throw new InvalidInputException("The assistant was not created", new Dictionary<string, string[]>
            {
                ["id"] = [$"An assistant with id {id} already exists."],
            });
        db.Add(assistant);
        audit.Add(db, actor, "assistant.created", "assistant", assistant.Id.ToString(), assistant.Name);
        await db.SaveChangesAsync(ct);
        return assistant;
    }

    /// <summary>Renames an assistant; null when it does not exist.</summary>
    public async Task<Assistant?> RenameAsync(Guid id, string? name, string actor, CancellationToken ct = default)
    {
        var valid = ValidName(name);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var assistant = await db.Set<Assistant>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (assistant is null)
            return null;
        if (assistant.Name != valid)
        {
            audit.Add(db, actor, "assistant.updated", "assistant", id.ToString(), valid,
                new Dictionary<string, object?> { ["name"] = new { from = assistant.Name, to = valid } });
            assistant.Name = valid;
            assistant.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }
        return assistant;
    }

    /// <summary>Deletes an assistant and its actions; its sessions and their logs stay.</summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var assistant = await db.Set<Assistant>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (assistant is null)
            return false;
        var actions = await db.Set<AssistantAction>().Where(a => a.AssistantId == id).ToListAsync(ct);
        db.RemoveRange(actions);
        db.Remove(assistant);
        audit.Add(db, actor, "assistant.deleted", "assistant", id.ToString(), assistant.Name,
            new Dictionary<string, object?> { ["actions"] = string.Join(", ", actions.Select(a => a.Name)) });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The company id (<c>$company.id</c>), or null when none is set.</summary>
    public async Task<string?> GetCompanyIdAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Set<ConsoleSetting>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == ConsoleSetting.CompanyId, ct))?.Value;
    }

    /// <summary>Sets the company id; new sessions carry it. Empty clears it.</summary>
    public async Task<string?> SetCompanyIdAsync(string? companyId, string actor, CancellationToken ct = default)
    {
        var value = companyId?.Trim() ?? "";
        if (value.Length > 200 || value.Any(char.IsControl))
            throw new InvalidInputException("The company id was not saved", new Dictionary<string, string[]>
            {
                ["companyId"] = ["The company id is up to 200 printable characters."],
            });
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var setting = await db.Set<ConsoleSetting>().FirstOrDefaultAsync(s => s.Key == ConsoleSetting.CompanyId, ct);
        var before = setting?.Value;
        if (before == (value.Length == 0 ? null : value))
            return before;
        if (value.Length == 0)
            db.Remove(setting!);
        else if (setting is null)
            db.Add(new ConsoleSetting { Key = ConsoleSetting.CompanyId, Value = value });
        else
            setting.Value = value;
        audit.Add(db, actor, "company.updated", "setting", ConsoleSetting.CompanyId, "Company id",
            new Dictionary<string, object?> { ["companyId"] = new { from = before, to = value.Length == 0 ? null : value } });
        await db.SaveChangesAsync(ct);
        return value.Length == 0 ? null : value;
    }

    private static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 200)
            throw new InvalidInputException("The assistant was not saved", new Dictionary<string, string[]>
            {
                ["name"] = ["Give the assistant a name of 1 to 200 characters."],
            });
        return trimmed;
    }
}
