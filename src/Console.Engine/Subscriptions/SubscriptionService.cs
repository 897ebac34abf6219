using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Engine.Subscriptions;

/// <summary>Creates, changes and removes outbound webhooks; every change is audited, no secret is ever written there.</summary>
public sealed partial class SubscriptionService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    EventCatalog catalog,
    DestinationPolicy destinations,
    ISecretProtector protector,
    AuditLog audit,
    SubscriptionCache cache,
    IOptions<WebhookEngineOptions> options,
    TimeProvider time)
{
    /// <summary>All subscriptions, by name.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Subscriptions.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
    }

    public async Task<WebhookSubscription?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>Creates a subscription and returns it with its new secret, which is shown once.</summary>
    public async Task<(WebhookSubscription Subscription, string Secret)> CreateAsync(SubscriptionInput input, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var secret = WebhookSecret.Generate();
        var subscription = new WebhookSubscription
        {
            Name = "", Url = "", ProtectedSecret = protector.Protect(secret), CreatedAt = now, UpdatedAt = now,
        };
        Apply(subscription, input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await Mapping.MappingReferences.EnsureExistsAsync(db, input.MappingId, ct);
        db.Subscriptions.Add(subscription);
        audit.Add(db, actor, "webhook.created", "webhook", subscription.Id.ToString(), subscription.Name, Describe(subscription));
        await db.SaveChangesAsync(ct);
        cache.Invalidate(subscription.Id);
        return (subscription, secret);
    }

    /// <summary>Changes a subscription; returns null when it does not exist.</summary>
    public async Task<WebhookSubscription?> UpdateAsync(Guid id, SubscriptionInput input, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
            return null;
        await Mapping.MappingReferences.EnsureExistsAsync(db, input.MappingId, ct);
        var before = Describe(subscription);
        var valuesBefore = HeaderValues(subscription);
        Apply(subscription, input);
        subscription.UpdatedAt = time.GetUtcNow();
        var after = Describe(subscription);
        var changes = after.Where(kv => !Equals(before[kv.Key]?.ToString(), kv.Value?.ToString()))
            .ToDictionary(kv => kv.Key, kv => (object?)new { from = before[kv.Key], to = kv.Value });
        var valuesAfter = HeaderValues(subscription);
        if (valuesAfter.Any(kv => valuesBefore.TryGetValue(kv.Key, out var old) && old != kv.Value))
            changes["headerValues"] = "(changed)";
        if (changes.Count > 0)
        {
            var action = changes.Count == 1 && changes.ContainsKey("enabled")
                ? (subscription.Enabled ? "webhook.enabled" : "webhook.disabled")
                : "webhook.updated";
            audit.Add(db, actor, action, "webhook", id.ToString(), subscription.Name, changes);
        }
        await db.SaveChangesAsync(ct);
        cache.Invalidate(id);
        return subscription;
    }

    /// <summary>Turns a subscription on or off; re-enabling clears "failing".</summary>
    public async Task<bool> SetEnabledAsync(Guid id, bool enabled, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
            return false;
        if (subscription.Enabled == enabled)
            return true;
        SetEnabled(subscription, enabled);
        subscription.UpdatedAt = time.GetUtcNow();
        audit.Add(db, actor, enabled ? "webhook.enabled" : "webhook.disabled", "webhook", id.ToString(), subscription.Name);
        await db.SaveChangesAsync(ct);
        cache.Invalidate(id);
        return true;
    }

    /// <summary>Deletes a subscription and its pending deliveries (their attempts stay in the log).</summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
            return false;
        db.Subscriptions.Remove(subscription);
        audit.Add(db, actor, "webhook.deleted", "webhook", id.ToString(), subscription.Name, Describe(subscription));
        await db.SaveChangesAsync(ct);
        cache.Invalidate(id);
        await db.Deliveries
            .Where(d => d.SubscriptionId == id && (d.State == Delivery.DeliveryState.Pending || d.State == Delivery.DeliveryState.Retrying))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, Delivery.DeliveryState.Cancelled).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null), ct);
        return true;
    }

    /// <summary>Replaces the secret; the old one keeps signing alongside for the grace period. Returns the new secret (shown once).</summary>
    public async Task<string?> RotateSecretAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
            return null;
        var secret = WebhookSecret.Generate();
        subscription.ProtectedPreviousSecret = subscription.ProtectedSecret;
        subscription.PreviousSecretExpiresAt = time.GetUtcNow() + options.Value.SecretRotationGrace;
        subscription.ProtectedSecret = protector.Protect(secret);
        subscription.UpdatedAt = time.GetUtcNow();
        audit.Add(db, actor, "webhook.secret_rotated", "webhook", id.ToString(), subscription.Name,
            new Dictionary<string, object?> { ["secret"] = "(changed)", ["previousSignsUntil"] = subscription.PreviousSecretExpiresAt });
        await db.SaveChangesAsync(ct);
        cache.Invalidate(id);
        return secret;
    }

    /// <summary>The secrets that sign now: the current one, and the previous one during its grace period.</summary>
    public IReadOnlyList<string> ActiveSecrets(WebhookSubscription subscription)
    {
        var current = cache.Plaintext(subscription.ProtectedSecret);
        return subscription.ProtectedPreviousSecret is not null && subscription.PreviousSecretExpiresAt > time.GetUtcNow()
            ? [current, cache.Plaintext(subscription.ProtectedPreviousSecret)]
            : [current];
    }

    /// <summary>The plaintext custom headers to send.</summary>
    public IReadOnlyList<(string Key, string Value)> Headers(WebhookSubscription subscription) =>
        subscription.Headers.Count == 0 ? []
        : subscription.Headers.Select(h => (h.Key, cache.Plaintext(h.ProtectedValue))).ToList();

    private void Apply(WebhookSubscription subscription, SubscriptionInput input)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors["name"] = ["Give the webhook a name of 1 to 200 characters."];
        var url = input.Url?.Trim() ?? "";
        if (destinations.CheckUrl(url) is { } urlProblem)
            errors["url"] = [urlProblem];
        var events = new List<string>();
        var unknown = new List<string>();
        foreach (var requested in input.Events ?? [])
        {
            if (catalog.TryResolve(requested, out var type)) { if (!events.Contains(type.Type)) events.Add(type.Type); }
            else unknown.Add(requested);
        }
        if (unknown.Count > 0)
            errors["events"] = [$"Unknown event type(s): {string.Join(", ", unknown)}. GET /api/v1/event-types lists them."];
        else if (events.Count == 0)
            errors["events"] = ["Choose at least one event."];
        if (input.TimeoutSeconds is < 1 or > 30)
            errors["timeoutSeconds"] = ["The timeout must be between 1 and 30 seconds."];
        var schedule = input.RetrySchedule?.ToList() ?? [.. RetrySchedules.Standard];
        if (schedule.Count > 20 || schedule.Any(s => s is < 1 or > 86_400))
            errors["retrySchedule"] = ["A retry schedule is up to 20 delays, each 1 second to 24 hours."];
        var headers = new List<StoredHeader>();
        foreach (var header in input.Headers ?? [])
        {
            var key = header.Key?.Trim() ?? "";
            if (key.Length == 0 && string.IsNullOrEmpty(header.Value))
                continue;
            if (!HeaderName().IsMatch(key) || ReservedHeaders.Contains(key))
            {
                errors["headers"] = [$"'{key}' cannot be a custom header name (use letters, digits and dashes; the signature and content headers are set by the console)."];
                continue;
            }
            var value = header.Value;
            if (value is null)
            {
                var kept = subscription.Headers.FirstOrDefault(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
                if (kept is null) { errors["headers"] = [$"Header '{key}' needs a value."]; continue; }
                headers.Add(kept with { Key = key });
                continue;
            }
            if (value.Contains('\r') || value.Contains('\n'))
            {
                errors["headers"] = [$"The value of '{key}' may not contain a line break."];
                continue;
            }
            headers.Add(new StoredHeader(key, protector.Protect(value)));
        }
        var assistant = string.IsNullOrWhiteSpace(input.AssistantId) ? null : input.AssistantId.Trim();
        if (input.MaxConcurrency is < 1 or > 100)
            errors["maxConcurrency"] = ["At most 1 to 100 attempts at once to this endpoint (leave it empty for the console's default)."];
        if (input.RateLimitPerSecond is < 1 or > 1000)
            errors["rateLimitPerSecond"] = ["The rate limit must be 1 to 1,000 requests per second (leave it empty for none)."];
        if (errors.Count > 0)
            throw new SubscriptionValidationException(errors);

        subscription.Name = name;
        subscription.Url = url;
        subscription.Events = events;
        subscription.Headers = headers;
        subscription.AssistantId = assistant;
        subscription.TimeoutSeconds = input.TimeoutSeconds;
        subscription.RetrySchedule = schedule;
        subscription.MaxConcurrency = input.MaxConcurrency;
        subscription.RateLimitPerSecond = input.RateLimitPerSecond;
        subscription.MappingId = input.MappingId;
        SetEnabled(subscription, input.Enabled);
    }

    // Switching on starts its health afresh: not failing, and the auto-disable clock not running.
    private static void SetEnabled(WebhookSubscription subscription, bool enabled)
    {
        if (enabled == subscription.Enabled)
            return;
        subscription.Enabled = enabled;
        subscription.FailingSince = null;
        subscription.FailureStreakSince = null;
        subscription.DisabledReason = null;
    }

    // What the audit shows of a subscription: header names but never their values, never the secret.
    private static Dictionary<string, object?> Describe(WebhookSubscription s) => new()
    {
        ["name"] = s.Name,
        ["url"] = s.Url,
        ["events"] = string.Join(", ", s.Events),
        ["enabled"] = s.Enabled,
        ["headers"] = string.Join(", ", s.Headers.Select(h => h.Key)),
        ["assistantId"] = s.AssistantId,
        ["timeoutSeconds"] = s.TimeoutSeconds,
        ["retrySchedule"] = string.Join(", ", s.RetrySchedule),
        ["maxConcurrency"] = s.MaxConcurrency,
        ["rateLimitPerSecond"] = s.RateLimitPerSecond,
        ["mappingId"] = s.MappingId,
    };

    // Header values are secrets: compared here in plaintext, reported to the audit only as "(changed)".
    private Dictionary<string, string> HeaderValues(WebhookSubscription s) =>
        s.Headers.ToDictionary(h => h.Key, h => protector.Unprotect(h.ProtectedValue), StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Host", "User-Agent", "X-Webhook-Signature", "webhook-id", "webhook-timestamp",
        "webhook-signature", "Transfer-Encoding", "Connection",
    };

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
    private static partial Regex HeaderName();
}
