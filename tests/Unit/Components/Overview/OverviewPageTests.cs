using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Health;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Overview;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Components.Overview;

/// <summary>The Overview against a seeded store: the figures an on-call engineer reads first, and the first-run checklist.</summary>
public sealed class OverviewPageTests : EngineComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton(Engine.Get<ConsoleHealth>());
        Services.AddSingleton(new SessionLogFeed(new NullDeliveriesHubContext()));
    }

    [Fact]
    public void NewConsole_ShowsTheFirstRunChecklist_WithNothingDone()
    {
        var page = Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=first-run]")));
        foreach (var step in new[] { "step-webhook", "step-test", "step-publish", "step-delivered" })
            Assert.Equal("false", page.Find($"[data-testid={step}]").GetAttribute("data-done"));
        Assert.Contains("api/v1/events", page.Find("[data-testid=first-run-curl]").TextContent);
        Assert.Equal("—", page.Find("[data-testid=success-rate-value]").TextContent.Trim());
    }

    [Fact]
    public async Task SeededStore_ShowsRateDurationsBacklogAndTroubledWebhooks_AndTheChecklistIsGone()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (crm, _) = await subscriptions.CreateAsync(new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        var (slack, _) = await subscriptions.CreateAsync(new SubscriptionInput("Slack", "https://hooks.example.com/slack", ["lead.created"]), Admin);
        await using (var db = Engine.Db())
        {
            var s = await db.Subscriptions.FindAsync(slack.Id);
            (s!.Enabled, s.DisabledReason) = (false, "Disabled by the console: 20 failures in a row over 3 days.");
            await db.SaveChangesAsync();
        }
        await AddDeliveryAsync(crm.Id, DeliveryState.Succeeded, [(true, 10)]);
        await AddDeliveryAsync(crm.Id, DeliveryState.Succeeded, [(false, 30), (true, 20)]); // retried once, then delivered
        await AddDeliveryAsync(crm.Id, DeliveryState.Failed, [(false, 40)]); // failed for good
        await AddDeliveryAsync(crm.Id, DeliveryState.Retrying, [(false, 50)], due: Engine.Time.GetUtcNow().AddMinutes(-2));
        await AddDeliveryAsync(crm.Id, DeliveryState.Pending, []); // pending since 30 min ago: the oldest due
        await AddDeliveryAsync(crm.Id, DeliveryState.Succeeded, [(true, 5)], isTest: true); // tests are not counted

        var page = Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal("40%", page.Find("[data-testid=success-rate-value]").TextContent.Trim()));
        Assert.Contains("2 of 5 attempts", page.Find("[data-testid=success-rate]").TextContent);
        Assert.Equal("30 ms", page.Find("[data-testid=durations-value]").TextContent.Trim()); // p50 of 10, 20, 30, 40, 50
        Assert.Contains("p95 50 ms", page.Find("[data-testid=durations]").TextContent);
        Assert.Equal("2", page.Find("[data-testid=backlog-value]").TextContent.Trim());
        Assert.Contains("1 pending · 1 retrying · oldest due 30 min", page.Find("[data-testid=backlog]").TextContent);
        var troubled = page.Find("[data-testid=troubled-webhooks]").TextContent;
        Assert.Contains("Slack", troubled);
        Assert.Contains("20 failures in a row", troubled);
        Assert.Contains("CRM leads", troubled); // its delivery that failed after every retry marks it failing, until the next success
        Assert.Contains("failed after every retry", troubled);
        Assert.NotNull(page.Find($"a[href='settings/webhooks/{slack.Id}/log']"));
        Assert.Contains("2 succeeded, 2 retried, 1 failed", page.Find("[data-testid=deliveries-chart]").GetAttribute("aria-label"));
        Assert.Empty(page.FindAll("[data-testid=first-run]"));
    }

    [Fact]
    public async Task ANewAttempt_UpdatesTheFiguresLive()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        await AddDeliveryAsync(crm.Id, DeliveryState.Succeeded, [(true, 10)]);
        var page = Render<OverviewPage>();
        page.WaitForAssertion(() => Assert.Equal("100%", page.Find("[data-testid=success-rate-value]").TextContent.Trim()));

        await AddDeliveryAsync(crm.Id, DeliveryState.Failed, [(false, 10)]);
        Feed.AttemptRecorded(new AttemptRecorded(1, Guid.NewGuid(), crm.Id, "lead.created", 1, "failed", 503, 10, Engine.Time.GetUtcNow(), false, null));

        page.WaitForAssertion(() => Assert.Equal("50%", page.Find("[data-testid=success-rate-value]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// A delivery in its final state, stored with EF, and its attempts recorded through the engine's own attempt path
    /// (<see cref="IDeliveryStore.RecordAttemptAsync"/>), which keeps the counters the Overview reads.
    /// </summary>
    private async Task AddDeliveryAsync(Guid subscription, DeliveryState state, (bool Succeeded, int Ms)[] attempts,
        DateTimeOffset? due = null, bool isTest = false)
    {
        var at = Engine.Time.GetUtcNow().AddMinutes(-30);
        var delivery = new WebhookDelivery
        {
            MessageId = "msg_" + Guid.NewGuid().ToString("N"), EventId = "evt_" + Guid.NewGuid().ToString("N"), EventType = "lead.created",
            SubscriptionId = subscription, Body = """{"event":"lead.created","data":{}}"""u8.ToArray(), State = state, AttemptCount = attempts.Length,
            CreatedAt = at, NextAttemptAt = due, IsTest = isTest,
        };
        await using (var db = Engine.Db())
        {
            db.Deliveries.Add(delivery);
            await db.SaveChangesAsync();
        }
        var store = Engine.Get<IDeliveryStore>();
        for (var n = 0; n < attempts.Length; n++)
        {
            // Each attempt sees the delivery as it was after it: retrying until the last, which leaves it in its final state.
            var after = new WebhookDelivery
            {
                Id = delivery.Id, MessageId = delivery.MessageId, EventId = delivery.EventId, EventType = delivery.EventType,
                SubscriptionId = subscription, Body = delivery.Body, AttemptCount = n + 1, IsTest = isTest,
                State = n == attempts.Length - 1 ? state : DeliveryState.Retrying,
            };
            await store.RecordAttemptAsync(new DeliveryAttempt
            {
                DeliveryId = delivery.Id, SubscriptionId = subscription, EventType = "lead.created", Number = n + 1, At = at.AddSeconds(n + 1),
                DurationMs = attempts[n].Ms, Succeeded = attempts[n].Succeeded, IsTest = isTest, StatusCode = attempts[n].Succeeded ? 200 : 503,
                RequestHeaders = "{}",
            }, after);
        }
    }
}
