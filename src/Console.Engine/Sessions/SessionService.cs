using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Sessions;

/// <summary>Starts and updates assistant sessions, merges client_data into them, and keeps their call logs.</summary>
public sealed class SessionService(
    IDbContextFactory<ConsoleDbContext> dbFactory, AssistantService assistants, ISessionLogObserver observer, TimeProvider time)
{
    private const int MaxImages = 100;

    // One writer per session at a time, so two merges never lose each other's keys (striped: bounded memory, one process).
    private static readonly SemaphoreSlim[] Locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Starts a session of an existing assistant; it carries the company id unless one is given.</summary>
    public async Task<AssistantSession> CreateAsync(Guid assistantId, JsonObject? clientData, IReadOnlyList<string>? images,
        string? companyId = null, CancellationToken ct = default)
    {
        var errors = Check(clientData, images);
        if (await assistants.GetAsync(assistantId, ct) is null)
            errors["assistantId"] = [$"There is no assistant {assistantId}. GET /api/v1/assistants lists them."];
        if (errors.Count > 0)
            throw new InvalidInputException("The session was not created", errors);
        var now = time.GetUtcNow();
        var session = new AssistantSession
        {
            AssistantId = assistantId,
            CompanyId = string.IsNullOrWhiteSpace(companyId) ? await assistants.GetCompanyIdAsync(ct) : companyId.Trim(),
            ClientData = (clientData ?? []).ToJsonString(),
            Images = images?.ToList() ?? [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return session;
    }

    public async Task<AssistantSession?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<AssistantSession>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>Sessions, most recently active first, optionally of one assistant.</summary>
    public async Task<(IReadOnlyList<AssistantSession> Items, int Total)> ListAsync(Guid? assistantId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<AssistantSession>().AsNoTracking();
        if (assistantId is { } id)
            query = query.Where(s => s.AssistantId == id);
        var total = await query.CountAsync(ct);
        return (await query.OrderByDescending(s => s.UpdatedAt).Skip(skip).Take(take).ToListAsync(ct), total);
    }

    /// <summary>Merges <paramref name="clientData"/> into the session and, when given, replaces its images. Null when it does not exist.</summary>
    public async Task<(AssistantSession Session, JsonObject Changed)?> UpdateAsync(Guid id, JsonObject? clientData, IReadOnlyList<string>? images,
        CancellationToken ct = default)
    {
        var errors = Check(clientData, images);
        if (errors.Count > 0)
            throw new InvalidInputException("The session was not updated", errors);
        var gate = Locks[(id.GetHashCode() & int.MaxValue) % Locks.Length];
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var session = await db.Set<AssistantSession>().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (session is null)
                return null;
            var merged = session.ClientDataObject();
            var changed = clientData is null ? [] : ClientDataMerge.Apply(merged, clientData);
            if (merged.ToJsonString().Length > ClientDataMerge.MaxLength)
                throw new InvalidInputException("The session was not updated", new Dictionary<string, string[]>
                {
                    ["clientData"] = ["client_data is limited to 256 KB of JSON; this merge would exceed it."],
                });
            session.ClientData = merged.ToJsonString();
            if (images is not null)
                session.Images = images.ToList();
            session.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return (session, changed);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes an entry to its session's log and tells the observer.</summary>
    public async Task<SessionLogEntry> AddLogEntryAsync(SessionLogEntry entry, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(entry);
        await db.Set<AssistantSession>().Where(s => s.Id == entry.SessionId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.UpdatedAt, entry.At), ct);
        await db.SaveChangesAsync(ct);
        observer.EntryAdded(new SessionLogAdded(entry.Id, entry.SessionId, entry.ActionId, entry.ActionName, entry.StatusCode,
            entry.DurationMs, entry.At, entry.Error));
        return entry;
    }

    /// <summary>A session's log, newest first.</summary>
    public async Task<(IReadOnlyList<SessionLogEntry> Items, int Total)> LogAsync(Guid sessionId, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<SessionLogEntry>().AsNoTracking().Where(e => e.SessionId == sessionId);
        var total = await query.CountAsync(ct);
        return (await query.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(ct), total);
    }

    /// <summary>How many log entries each of these sessions has.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> LogCountsAsync(IReadOnlyCollection<Guid> sessionIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<SessionLogEntry>().Where(e => sessionIds.Contains(e.SessionId)).GroupBy(e => e.SessionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
    }

    private static Dictionary<string, string[]> Check(JsonObject? clientData, IReadOnlyList<string>? images)
    {
        var errors = new Dictionary<string, string[]>();
        if (clientData is not null && ClientDataMerge.Problem(clientData) is { } problem)
            errors["clientData"] = [problem];
        if (images is not null)
        {
            if (images.Count > MaxImages)
                errors["images"] = [$"A session holds at most {MaxImages} images."];
            else if (images.Any(u => !IsImageUrl(u)))
                errors["images"] = [$"Each image is an absolute http(s) URL of up to 2048 characters; '{Shorten(images.First(u => !IsImageUrl(u)))}' is not."];
        }
        return errors;
    }

    private static bool IsImageUrl(string? url) =>
        url is { Length: <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static string Shorten(string? text) => text is null ? "null" : text.Length > 60 ? text[..60] + "…" : text;
}
