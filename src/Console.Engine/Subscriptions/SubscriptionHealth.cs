using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Subscriptions;

/// <summary>The console disabled a webhook by itself; announced as a <c>webhook.disabled</c> event once the change is saved.</summary>
public sealed record AutoDisabled(Guid Id, string Name, string Url, string Reason, string Message, DateTimeOffset? FailingSince, DateTimeOffset At);

/// <summary>
/// A subscription's health from its attempts: "failing" once a delivery fails for good (seed 002), healthy again at the next
/// success; disabled at once by 410 Gone, and after <see cref="WebhookEngineOptions.AutoDisableAfter"/> of nothing but failures.
/// </summary>
public sealed partial class SubscriptionHealth(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    IStoreWriter writer,
    SubscriptionCache cache,
    AuditLog audit,
    EventPublisher publisher,
    IOptions<WebhookEngineOptions> options,
    TimeProvider time,
    ILogger<SubscriptionHealth> logger)
{
    /// <summary>The audit actor for what the console does by itself.</summary>
    public const string Actor = "console";

    /// <summary>
    /// After an attempt was recorded (the store updated "failing" and the failure streak with it): disables the webhook when the
    /// endpoint answered 410 Gone or has only failed for <see cref="WebhookEngineOptions.AutoDisableAfter"/>, and announces it.
    /// </summary>
    /// <remarks>
    /// A separate write from the attempt's, because it is rare and needs the audit log: a crash between the two leaves a webhook
    /// enabled that the next failing attempt (or the minute's <see cref="SweepAsync"/>) disables.
    /// </remarks>
    public async Task CheckAsync(Guid subscriptionId, RecordedAttempt recorded, AttemptOutcome outcome, DateTimeOffset now)
    {
        if (outcome.Succeeded || !recorded.SubscriptionEnabled)
            return;
        var gone = outcome.StatusCode == 410;
        if (!gone && !(recorded.FailureStreakSince is { } since && now - since >= options.Value.AutoDisableAfter))
            return;
        var disabled = await writer.WriteAsync(async db =>
        {
            var s = await db.Subscriptions.FirstOrDefaultAsync(x => x.Id == subscriptionId, CancellationToken.None);
            if (s is not { Enabled: true })
                return null;
            var done = gone
                ? Disable(db, s, "gone", "The endpoint answered 410 Gone, so the console disabled this webhook.", now)
                : DisableFailing(db, s, now);
            await db.SaveChangesAsync(CancellationToken.None);
            return done;
        }, flush: false);
        if (disabled is null)
            return;
        cache.Invalidate(subscriptionId);
        await AnnounceAsync(disabled, CancellationToken.None);
    }

    /// <summary>Disables every enabled subscription that has only failed for the configured time (run every minute by the scheduler).</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var since = now - options.Value.AutoDisableAfter;
        List<AutoDisabled> disabled;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var candidates = await db.Subscriptions.Where(s => s.Enabled && s.FailureStreakSince != null && s.FailureStreakSince <= since)
                .ToListAsync(ct);
            disabled = candidates.Where(s => LongFailing(s, now)).Select(s => DisableFailing(db, s, now)).ToList();
            await db.SaveChangesAsync(ct);
        }
        foreach (var d in disabled)
        {
            cache.Invalidate(d.Id);
            await AnnounceAsync(d, ct);
        }
        return disabled.Count;
    }

    /// <summary>Publishes <c>webhook.disabled</c>, so other subscriptions can hear about it.</summary>
    public async Task AnnounceAsync(AutoDisabled disabled, CancellationToken ct = default)
    {
        LogDisabled(disabled.Name, disabled.Id, disabled.Message);
        var data = new JsonObject
        {
            ["webhook_id"] = disabled.Id.ToString(),
            ["name"] = disabled.Name,
            ["url"] = disabled.Url,
            ["reason"] = disabled.Reason,
            ["message"] = disabled.Message,
            ["failing_since"] = disabled.FailingSince is { } f ? Iso(f) : null,
            ["disabled_at"] = Iso(disabled.At),
        };
        await publisher.PublishAsync("webhook.disabled", data, id: $"webhook.disabled.{disabled.Id:N}.{disabled.At.ToUnixTimeMilliseconds()}", ct: ct);
    }

    private bool LongFailing(WebhookSubscription s, DateTimeOffset now) =>
        s.FailureStreakSince is { } since && now - since >= options.Value.AutoDisableAfter;

    private AutoDisabled DisableFailing(ConsoleDbContext db, WebhookSubscription s, DateTimeOffset now) =>
        Disable(db, s, "failing",
            $"Every delivery failed for {Describe(options.Value.AutoDisableAfter)} (since {Iso(s.FailureStreakSince!.Value)}), so the console disabled this webhook.", now);

    private AutoDisabled Disable(ConsoleDbContext db, WebhookSubscription s, string reason, string message, DateTimeOffset now)
    {
        s.Enabled = false;
        s.DisabledReason = message;
        s.UpdatedAt = now;
        audit.Add(db, Actor, "webhook.disabled", "webhook", s.Id.ToString(), s.Name,
            new Dictionary<string, object?> { ["reason"] = message });
        return new AutoDisabled(s.Id, s.Name, s.Url, reason, message, s.FailureStreakSince, now);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    /// <summary>"5 days", "12 hours", "90 seconds".</summary>
    public static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Plural((int)span.TotalHours, "hour")
        : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? Plural((int)span.TotalMinutes, "minute")
        : Plural((int)span.TotalSeconds, "second");

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";

    [LoggerMessage(LogLevel.Warning, "Webhook {Name} ({Id}) was disabled: {Reason}")]
    private partial void LogDisabled(string name, Guid id, string reason);
}
