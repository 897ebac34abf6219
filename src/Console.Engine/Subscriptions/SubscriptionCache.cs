using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;

namespace WebhookConsole.Engine.Subscriptions;

/// <summary>
/// The delivery path's copy of subscriptions, their secrets and header values, so an attempt reads neither the store nor the key
/// ring. A copy is used only while its version (updated-at and enabled, returned by every claim) matches the store's, and
/// <see cref="SubscriptionService"/> drops it on every change; plaintexts are cached by their protected text, which changes with them.
/// </summary>
public sealed class SubscriptionCache(IDbContextFactory<ConsoleDbContext> dbFactory, ISecretProtector protector)
{
    /// <summary>More distinct protected values than this (many rotations) and the plaintext cache starts again.</summary>
    private const int MaxPlaintexts = 10_000;

    private readonly ConcurrentDictionary<Guid, WebhookSubscription> _subscriptions = new();
    private readonly ConcurrentDictionary<string, string> _plaintexts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IReadOnlyList<WebhookSubscription>? _enabled;
    private long _generation;

    /// <summary>
    /// The subscriptions of a claim, each as of its version: those not cached (or changed) are read in one query; null when deleted.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<Guid, WebhookSubscription?>> GetManyAsync(IEnumerable<(Guid Id, SubscriptionVersion? Version)> wanted,
        CancellationToken ct = default)
    {
        var found = new Dictionary<Guid, WebhookSubscription?>();
        var missing = new List<Guid>();
        foreach (var (id, version) in wanted)
        {
            if (found.ContainsKey(id))
                continue;
            if (version is null)
            {
                _subscriptions.TryRemove(id, out _);
                found[id] = null;
            }
            else if (_subscriptions.TryGetValue(id, out var cached) && cached.UpdatedAt == version.Value.UpdatedAt && cached.Enabled == version.Value.Enabled)
                found[id] = cached;
            else
            {
                found[id] = null;
                missing.Add(id);
            }
        }
        if (missing.Count == 0)
            return found;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var fresh in await db.Subscriptions.AsNoTracking().Where(s => missing.Contains(s.Id)).ToListAsync(ct))
            found[fresh.Id] = _subscriptions[fresh.Id] = fresh;
        return found;
    }

    /// <summary>The enabled subscriptions, which every publish matches against; read from the store once per change.</summary>
    public async ValueTask<IReadOnlyList<WebhookSubscription>> EnabledAsync(CancellationToken ct = default)
    {
        long generation;
        lock (_lock)
        {
            if (_enabled is { } enabled)
                return enabled;
            generation = _generation;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var loaded = await db.Subscriptions.AsNoTracking().Where(s => s.Enabled).ToListAsync(ct);
        lock (_lock)
        {
            if (generation == _generation) // else a change raced this read: use it for this call only
                _enabled = loaded;
        }
        return loaded;
    }

    /// <summary>
    /// Raised after this process changed a subscription (its id) or several (null), so the other nodes sharing a PostgreSQL store
    /// forget their copies too (<see cref="Persistence.PostgreSql.PostgresCluster"/>); not raised by <see cref="Forget"/>.
    /// </summary>
    public event Action<Guid?>? Changed;

    /// <summary>Forgets a subscription after it changed (or was deleted), and the list of enabled ones; tells the other nodes.</summary>
    public void Invalidate(Guid id)
    {
        Forget(id);
        Changed?.Invoke(id);
    }

    /// <summary>Forgets every subscription, after a change to several at once; tells the other nodes.</summary>
    public void InvalidateAll()
    {
        Forget(null);
        Changed?.Invoke(null);
    }

    /// <summary>Forgets one subscription (or, null, every one) and the list of enabled ones, after another node changed it.</summary>
    public void Forget(Guid? id)
    {
        if (id is { } one)
            _subscriptions.TryRemove(one, out _);
        else
            _subscriptions.Clear();
        lock (_lock)
        {
            _enabled = null;
            _generation++;
        }
    }

    /// <summary>The plaintext of a protected secret or header value.</summary>
    public string Plaintext(string protectedValue)
    {
        if (_plaintexts.TryGetValue(protectedValue, out var plain))
            return plain;
        if (_plaintexts.Count >= MaxPlaintexts)
            _plaintexts.Clear();
        return _plaintexts[protectedValue] = protector.Unprotect(protectedValue);
    }
}
