using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Engine.Inbound;

/// <summary>What a person or API call sets on an inbound webhook. A null <see cref="Secret"/> keeps the stored one.</summary>
public sealed record InboundInput(
    string Name, bool Enabled = true, InboundVerification Verification = InboundVerification.None,
    string? Header = null, string? Secret = null, Guid? MappingId = null);

/// <summary>The input was refused; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class InboundValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The inbound webhook was not saved: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Creates, changes and removes inbound webhooks; audited, never with a token or secret in the audit.</summary>
public sealed partial class InboundWebhookService(
    IDbContextFactory<ConsoleDbContext> dbFactory, ISecretProtector protector, AuditLog audit, TimeProvider time)
{
    private const string Bullets = "••••••••";

    public async Task<IReadOnlyList<InboundWebhook>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<InboundWebhook>().AsNoTracking().OrderBy(w => w.Name).ToListAsync(ct);
    }

    public async Task<InboundWebhook?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<InboundWebhook>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
    }

    /// <summary>Creates an inbound webhook with a new unique URL token.</summary>
    public async Task<InboundWebhook> CreateAsync(InboundInput input, string actor, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var token = InboundToken.Generate();
        var webhook = new InboundWebhook
        {
            Name = "", TokenHash = InboundToken.Hash(token), ProtectedToken = protector.Protect(token), CreatedAt = now, UpdatedAt = now,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await ApplyAsync(db, webhook, input, ct);
        db.Add(webhook);
        audit.Add(db, actor, "inbound.created", "inbound", webhook.Id.ToString(), webhook.Name, Describe(webhook));
        await db.SaveChangesAsync(ct);
        return webhook;
    }

    /// <summary>Changes an inbound webhook; null when it does not exist.</summary>
    public async Task<InboundWebhook?> UpdateAsync(Guid id, InboundInput input, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await db.Set<InboundWebhook>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (webhook is null)
            return null;
        var before = Describe(webhook);
        var secretBefore = webhook.ProtectedVerificationSecret;
        await ApplyAsync(db, webhook, input, ct);
        webhook.UpdatedAt = time.GetUtcNow();
        var changes = Describe(webhook).Where(kv => before[kv.Key]?.ToString() != kv.Value?.ToString())
            .ToDictionary(kv => kv.Key, kv => (object?)new { from = before[kv.Key], to = kv.Value });
        if (webhook.ProtectedVerificationSecret != secretBefore)
            changes["secret"] = "(changed)";
        if (changes.Count > 0)
        {
            var action = changes.Count == 1 && changes.ContainsKey("enabled")
                ? (webhook.Enabled ? "inbound.enabled" : "inbound.disabled") : "inbound.updated";
            audit.Add(db, actor, action, "inbound", id.ToString(), webhook.Name, changes);
        }
        await db.SaveChangesAsync(ct);
        return webhook;
    }

    public async Task<bool> SetEnabledAsync(Guid id, bool enabled, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await db.Set<InboundWebhook>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (webhook is null)
            return false;
        if (webhook.Enabled == enabled)
            return true;
        webhook.Enabled = enabled;
        webhook.UpdatedAt = time.GetUtcNow();
        audit.Add(db, actor, enabled ? "inbound.enabled" : "inbound.disabled", "inbound", id.ToString(), webhook.Name);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Gives the webhook a new URL token; the old URL answers 404 from now on. Null when it does not exist.</summary>
    public async Task<InboundWebhook?> RegenerateTokenAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await db.Set<InboundWebhook>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (webhook is null)
            return null;
        var token = InboundToken.Generate();
        webhook.TokenHash = InboundToken.Hash(token);
        webhook.ProtectedToken = protector.Protect(token);
        webhook.UpdatedAt = time.GetUtcNow();
        audit.Add(db, actor, "inbound.token_regenerated", "inbound", id.ToString(), webhook.Name,
            new Dictionary<string, object?> { ["url"] = "(changed: the old URL no longer works)" });
        await db.SaveChangesAsync(ct);
        return webhook;
    }

    /// <summary>Deletes an inbound webhook and its request log.</summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await db.Set<InboundWebhook>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (webhook is null)
            return false;
        db.Remove(webhook);
        audit.Add(db, actor, "inbound.deleted", "inbound", id.ToString(), webhook.Name, Describe(webhook));
        await db.SaveChangesAsync(ct);
        await db.Set<InboundRequest>().Where(r => r.InboundWebhookId == id).ExecuteDeleteAsync(ct);
        return true;
    }

    /// <summary>The URL token in plaintext (the admin needs the URL to hand it to the sender).</summary>
    public string Token(InboundWebhook webhook) => protector.Unprotect(webhook.ProtectedToken);

    /// <summary>The verification settings with the secret in plaintext.</summary>
    public VerificationSettings Settings(InboundWebhook webhook) => new(webhook.Verification, webhook.VerificationHeader,
        webhook.ProtectedVerificationSecret is { } s ? protector.Unprotect(s) : null);

    /// <summary>The secret for display: bullets and its last 4 characters.</summary>
    public string? MaskedSecret(InboundWebhook webhook) =>
        Settings(webhook).Secret is { } s ? Bullets + (s.Length > 12 ? s[^4..] : "") : null;

    /// <summary>A new secret suited to a mode: a random token, or a <c>whsec_</c> signing secret.</summary>
    public static string GenerateSecret(InboundVerification mode) =>
        mode == InboundVerification.HeaderToken ? InboundToken.GenerateHeaderToken() : WebhookSecret.Generate();

    private async Task ApplyAsync(ConsoleDbContext db, InboundWebhook webhook, InboundInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors["name"] = ["Give the inbound webhook a name of 1 to 200 characters."];
        if (!Enum.IsDefined(input.Verification))
            errors["verification"] = ["Choose a verification mode: none, header token, HMAC-SHA256 or Standard Webhooks."];
        var header = string.IsNullOrWhiteSpace(input.Header) ? null : input.Header.Trim();
        if (input.Verification is InboundVerification.HeaderToken or InboundVerification.HmacSha256 && header is not null && !HeaderName().IsMatch(header))
            errors["header"] = [$"'{header}' is not a header name: use letters, digits and dashes, e.g. X-Webhook-Token."];
        var secret = input.Secret?.Trim();
        var stored = webhook.ProtectedVerificationSecret is { } p ? protector.Unprotect(p) : null;
        var effective = string.IsNullOrEmpty(secret) ? stored : secret;
        if (input.Verification != InboundVerification.None && SecretProblem(input.Verification, effective) is { } problem)
            errors["secret"] = [problem];
        if (input.MappingId is { } mappingId && !await db.Set<FieldMapping>().AnyAsync(m => m.Id == mappingId, ct))
            errors["mappingId"] = [$"There is no mapping {mappingId}. GET /api/v1/mappings lists them."];
        if (errors.Count > 0)
            throw new InboundValidationException(errors);

        webhook.Name = name;
        webhook.Enabled = input.Enabled;
        webhook.Verification = input.Verification;
        webhook.VerificationHeader = input.Verification is InboundVerification.HeaderToken or InboundVerification.HmacSha256 ? header : null;
        if (!string.IsNullOrEmpty(secret))
            webhook.ProtectedVerificationSecret = protector.Protect(secret);
        webhook.MappingId = input.MappingId;
    }

    private static string? SecretProblem(InboundVerification mode, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return mode == InboundVerification.HeaderToken
                ? "Enter the token the sender will put in the header, or generate one."
                : "Enter the signing secret the sender signs with, or generate one.";
        if (secret.Length is < 8 or > 500 || secret.Any(char.IsControl))
            return "The secret must be 8 to 500 printable characters.";
        if (mode == InboundVerification.StandardWebhooks)
        {
            try { _ = WebhookSecret.KeyBytes(secret); }
            catch (ArgumentException e) { return e.Message; }
        }
        return null;
    }

    // What the audit shows: never the token or the secret.
    private static Dictionary<string, object?> Describe(InboundWebhook w) => new()
    {
        ["name"] = w.Name,
        ["enabled"] = w.Enabled,
        ["verification"] = w.Verification.ToString(),
        ["header"] = w.VerificationHeader,
        ["mappingId"] = w.MappingId,
    };

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
    private static partial Regex HeaderName();
}
