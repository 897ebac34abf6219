using WebhookConsole.Engine;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>Retry schedules, jitter, Retry-After, 410 Gone, failing → healthy and auto-disable, with the clock moved by the test.</summary>
public class RetryTests : DeliveryTestBase
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int[]> Presets => new()
    {
        { "Standard", [10, 60, 300] },
        { "Patient", [60, 300, 900] },
        { "Extended", [5, 300, 1800, 7200, 18000, 36000, 36000] },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void EachPreset_IsExactlyTheDocumentedSchedule(string name, int[] seconds)
    {
        var preset = name switch { "Standard" => RetrySchedules.Standard, "Patient" => RetrySchedules.Patient, _ => RetrySchedules.Extended };
        Assert.Equal(seconds, preset);
        for (var failed = 1; failed <= seconds.Length; failed++)
            Assert.Equal(T0 + TimeSpan.FromSeconds(seconds[failed - 1]), RetryPolicy.NextAttemptAt(preset, failed, T0, jitter: 0.1, sample: 0.5));
        Assert.Null(RetryPolicy.NextAttemptAt(preset, seconds.Length + 1, T0, jitter: 0.1, sample: 0.5));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task EachPreset_DrivesTheDeliveryThroughItsAttempts_ThenFailed(string name, int[] seconds)
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput(name, Receiver.Url, ["message.incoming"], RetrySchedule: seconds), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());

        foreach (var step in seconds)
        {
            await AttemptDueAsync();
            var delivery = await OnlyDeliveryAsync();
            Assert.Equal(DeliveryState.Retrying, delivery.State);
            Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(step), delivery.NextAttemptAt);
            Engine.Time.Advance(TimeSpan.FromSeconds(step));
        }
        await AttemptDueAsync();

        var final = await OnlyDeliveryAsync();
        Assert.Equal(DeliveryState.Failed, final.State);
        Assert.Equal(seconds.Length + 1, final.AttemptCount);
        Assert.Equal(seconds.Length + 1, Receiver.Requests.Count);
    }

    [Fact]
    public void Jitter_StaysWithinTenPercent_AndUsesBothSides()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 10_000)
            .Select(_ => (RetryPolicy.NextAttemptAt([100], 1, T0, jitter: 0.1, sample: random.NextDouble())!.Value - T0).TotalSeconds)
            .ToList();

        Assert.All(delays, d => Assert.InRange(d, 90.0, 110.0));
        Assert.Contains(delays, d => d < 92);
        Assert.Contains(delays, d => d > 108);
        Assert.InRange(delays.Average(), 99.0, 101.0);
        Assert.Equal(90.0, (RetryPolicy.NextAttemptAt([100], 1, T0, jitter: 0.1, sample: 0)!.Value - T0).TotalSeconds, 6);
    }

    [Fact]
    public async Task Jitter_IsAppliedByTheWorker_WithTheConfiguredFraction()
    {
        Engine.Get<DeliveryWorker>().JitterSample = () => 0.0; // the low end: 10 % sooner
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 503; return Task.CompletedTask; };
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: [100]), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());

        await AttemptDueAsync();

        Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(90), (await OnlyDeliveryAsync()).NextAttemptAt);
    }

    [Theory]
    [InlineData(3, 10)]   // sooner than the schedule: the schedule wins
    [InlineData(15, 15)]  // later: honoured
    [InlineData(600, 20)] // far later: capped at twice the step
    public async Task RetryAfter_IsHonoured_NeverSooner_CappedAtTwiceTheStep(int retryAfter, int expectedDelay)
    {
        Receiver.Respond = (_, c) =>
        {
            c.Response.StatusCode = 429;
            c.Response.Headers.RetryAfter = retryAfter.ToString();
            return Task.CompletedTask;
        };
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: [10, 60]), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());

        await AttemptDueAsync();

        Assert.Equal(Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(expectedDelay), (await OnlyDeliveryAsync()).NextAttemptAt);
    }

    [Fact]
    public async Task Gone_DisablesTheSubscriptionAtOnce_WithoutRetrying_AndAnnouncesIt()
    {
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 410; return Task.CompletedTask; };
        var subscriptions = Engine.Get<SubscriptionService>();
        var (gone, _) = await subscriptions.CreateAsync(new SubscriptionInput("old CRM", Receiver.Url, ["message.incoming"]), "test");
        await using var watcher = await TestReceiver.StartAsync();
        var (ops, _) = await subscriptions.CreateAsync(new SubscriptionInput("ops alerts", watcher.Url, ["webhook.disabled"]), "test");
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());

        await AttemptDueAsync();

        var delivery = await OnlyDeliveryOfAsync(gone.Id);
        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.Equal(1, delivery.AttemptCount);
        var disabled = (await subscriptions.GetAsync(gone.Id))!;
        Assert.Equal(SubscriptionStatus.Disabled, disabled.Status);
        Assert.Contains("410 Gone", disabled.DisabledReason);
        await AssertAuditedAndAnnouncedAsync(gone.Id, ops.Id, "gone");
    }

    [Fact]
    public async Task FailingThenSuccess_IsHealthyAgain_AndTheAutoDisableClockStartsOver()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (s, _) = await subscriptions.CreateAsync(new SubscriptionInput("r", Receiver.Url, ["message.incoming"], RetrySchedule: []), "test");
        var publisher = Engine.Get<EventPublisher>();
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await publisher.PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        var failing = (await subscriptions.GetAsync(s.Id))!;
        Assert.Equal(SubscriptionStatus.Failing, failing.Status);
        Assert.Equal(Engine.Time.GetUtcNow(), failing.FailureStreakSince);

        Engine.Time.Advance(TimeSpan.FromDays(3));
        Receiver.Respond = (_, c) => c.Response.WriteAsync("ok");
        await publisher.PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        var healthy = (await subscriptions.GetAsync(s.Id))!;
        Assert.Equal(SubscriptionStatus.Healthy, healthy.Status);
        Assert.Null(healthy.FailureStreakSince);

        // Failing again for 4 days (7 days after the first failure): not yet 5 days of nothing but failures.
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await publisher.PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        Engine.Time.Advance(TimeSpan.FromDays(4));
        await publisher.PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        Assert.Equal(0, await Engine.Get<SubscriptionHealth>().SweepAsync());
        Assert.Equal(SubscriptionStatus.Failing, (await subscriptions.GetAsync(s.Id))!.Status);
    }

    [Fact]
    public async Task OnlyFailuresForFiveDays_DisablesOnTheNextFailedAttempt_AuditsAndAnnouncesIt()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (s, _) = await subscriptions.CreateAsync(new SubscriptionInput("flaky", Receiver.Url, ["message.incoming"], RetrySchedule: []), "test");
        await using var watcher = await TestReceiver.StartAsync();
        var (ops, _) = await subscriptions.CreateAsync(new SubscriptionInput("ops", watcher.Url, ["webhook.disabled"]), "test");
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        var publisher = Engine.Get<EventPublisher>();
        var started = Engine.Time.GetUtcNow();

        for (var day = 0; day < 5; day++)
        {
            await publisher.PublishAsync("message.incoming", new JsonObject());
            await AttemptDueAsync();
            Assert.True((await subscriptions.GetAsync(s.Id))!.Enabled, $"still enabled on day {day}");
            Engine.Time.Advance(TimeSpan.FromDays(1));
        }
        await publisher.PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();

        var disabled = (await subscriptions.GetAsync(s.Id))!;
        Assert.False(disabled.Enabled);
        Assert.Equal($"Every delivery failed for 5 days (since {started.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}), so the console disabled this webhook.",
            disabled.DisabledReason);
        await AssertAuditedAndAnnouncedAsync(s.Id, ops.Id, "failing");
    }

    [Fact]
    public async Task TheSweep_DisablesAWebhookThatOnlyFailed_EvenWhenNothingMoreIsSent_AndReEnablingIsOneStep()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (s, _) = await subscriptions.CreateAsync(new SubscriptionInput("quiet", Receiver.Url, ["message.incoming"], RetrySchedule: []), "test");
        Receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        await Engine.Get<EventPublisher>().PublishAsync("message.incoming", new JsonObject());
        await AttemptDueAsync();
        var health = Engine.Get<SubscriptionHealth>();

        Engine.Time.Advance(TimeSpan.FromDays(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await health.SweepAsync());
        Engine.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await health.SweepAsync());
        Assert.Equal(SubscriptionStatus.Disabled, (await subscriptions.GetAsync(s.Id))!.Status);

        Assert.True(await subscriptions.SetEnabledAsync(s.Id, true, "ana@example.com"));
        var again = (await subscriptions.GetAsync(s.Id))!;
        Assert.Equal(SubscriptionStatus.Healthy, again.Status);
        Assert.Null(again.DisabledReason);
        Assert.Null(again.FailureStreakSince);
        Assert.Equal(0, await health.SweepAsync());
    }

    private async Task<WebhookDelivery> OnlyDeliveryOfAsync(Guid subscriptionId)
    {
        await using var db = Engine.Db();
        return await db.Deliveries.SingleAsync(d => d.SubscriptionId == subscriptionId);
    }

    // The console's own audit entry, and a webhook.disabled delivery to the subscription listening for it, which arrives.
    private async Task AssertAuditedAndAnnouncedAsync(Guid disabledId, Guid listenerId, string reason)
    {
        var (entries, _) = await Engine.Get<AuditLog>().QueryAsync("webhook.disabled", 0, 10);
        var entry = Assert.Single(entries);
        Assert.Equal(SubscriptionHealth.Actor, entry.Actor);
        Assert.Equal(disabledId.ToString(), entry.TargetId);

        var announcement = await OnlyDeliveryOfAsync(listenerId);
        Assert.Equal("webhook.disabled", announcement.EventType);
        var data = JsonNode.Parse(announcement.Body)!["data"]!;
        Assert.Equal(disabledId.ToString(), data["webhook_id"]!.GetValue<string>());
        Assert.Equal(reason, data["reason"]!.GetValue<string>());
        var attempt = await AttemptDueAsync();
        Assert.True(attempt.Succeeded);
    }
}

/// <summary>The same tests on a PostgreSQL store.</summary>
public sealed class PostgresRetryTests : RetryTests
{
    protected override StoreProvider Provider => StoreProvider.PostgreSQL;
}
