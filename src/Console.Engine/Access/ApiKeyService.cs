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

    /// <summary>
    /// How long a checked key is taken on trust before it is read again. Publishing at volume sends the same key thousands of times
    /// a second, and reading it each time cost a fifth of a publish. A key revoked here stops at once (the keys checked are
    /// forgotten); revoked on another node of the cluster, it stops here within this time.
    /// </summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(2);

    /// <summary>Active keys checked lately, by hash (only keys that exist: a wrong key is never kept).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiKey Key, DateTimeOffset Until)> _checked = new();

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
        _checked.TryRemove(key.Hash, out _);
        return true;
    }

    /// <summary>Finds the active key with this plaintext, or null; records when it was last used.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string plaintext, CancellationToken ct = default)
    {
        if (!plaintext.StartsWith(KeyPrefix, StringComparison.Ordinal) || plaintext.Length > 200)
            return null;
        var hash = Hash(plaintext);
        var now = time.GetUtcNow();
        if (_checked.TryGetValue(hash, out var recent) && recent.Until > now)
            return recent.Key;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Lookup by the hash's unique index: a SHA-256 of a 256-bit random key needs no slow hash or timing care.
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, ct);
        if (key is null)
        {
            _checked.TryRemove(hash, out _);
            return null;
        }
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }
        _checked[hash] = (key, now + RecheckAfter);
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
