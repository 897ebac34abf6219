using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Access;

/// <summary>Creates, lists, revokes and checks API keys. Keys are shown once; only their hash is kept.</summary>
public sealed class ApiKeyService(IDbContextFactory<ConsoleDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>Every key starts with this, so a leaked one is recognisable in a scan.</summary>
    public const string KeyPrefix = "wc_";
    private const int DisplayPrefixLength = 10;
    // Writing LastUsedAt on every request would turn each API read into a write; once a minute is enough to be useful.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Creates a key with <paramref name="scope"/> (<see cref="ApiKeyScopes"/>) and returns it with its plaintext, which is never stored and cannot be shown again.</summary>
    public async Task<(ApiKey Key, string Plaintext)> CreateAsync(string name, string actor, string scope = ApiKeyScopes.Full, CancellationToken ct = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200)
            throw new ArgumentException("A key needs a name of 1 to 200 characters.", nameof(name));
        if (!ApiKeyScopes.IsKnown(scope))
            throw new ArgumentException($"The scope is one of {string.Join(", ", ApiKeyScopes.All)}.", nameof(scope));
        var plaintext = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = await StoreAsync(name, plaintext, actor, scope, ct);
        return (key, plaintext);
    }

    /// <summary>Creates the configured bootstrap key unless a key with the same value already exists.</summary>
    public async Task EnsureBootstrapAsync(string plaintext, CancellationToken ct = default)
    {
        var hash = Hash(plaintext);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
            return;
        await StoreAsync("bootstrap (from configuration)", plaintext, "system", ApiKeyScopes.Full, ct);
    }

    /// <summary>All keys, newest first, revoked ones included.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
    }

    /// <summary>Revokes a key: it stops working at once. Returns false when no such active key exists.</summary>
    public async Task<bool> RevokeAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, ct);
        if (key is null)
            return false;
        key.RevokedAt = time.GetUtcNow();
        audit.Add(db, actor, "api_key.revoked", "api_key", key.Id.ToString(), key.Name);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Finds the active key with this plaintext, or null; records when it was last used.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string plaintext, CancellationToken ct = default)
    {
        if (!plaintext.StartsWith(KeyPrefix, StringComparison.Ordinal) || plaintext.Length > 200)
            return null;
        var hash = Hash(plaintext);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Lookup by the hash's unique index: a SHA-256 of a 256-bit random key needs no slow hash or timing care.
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        if (key is null)
            return null;
        var now = time.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        return key;
    }

    /// <summary>Lower-case hex SHA-256 of a key's UTF-8 bytes.</summary>
    public static string Hash(string plaintext) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));

    private async Task<ApiKey> StoreAsync(string name, string plaintext, string actor, string scope, CancellationToken ct)
    {
        var key = new ApiKey
        {
            Name = name,
            Prefix = plaintext[..Math.Min(DisplayPrefixLength, plaintext.Length)],
            Hash = Hash(plaintext),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
            Scope = scope,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(key);
        audit.Add(db, actor, "api_key.created", "api_key", key.Id.ToString(), key.Name, new Dictionary<string, object?> { ["scope"] = scope });
        await db.SaveChangesAsync(ct);
        return key;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
