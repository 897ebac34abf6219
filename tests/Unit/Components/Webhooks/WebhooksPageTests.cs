using Bunit;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

public sealed class WebhooksPageTests : EngineComponentTest
{

    [Fact]
    public void ShowsWhatToDo_WhenThereAreNoWebhooks()
    {
        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("No webhooks yet. Create one", page.Find("[data-testid=empty-state]").TextContent));
        Assert.Contains("New webhook", page.Find("[data-testid=empty-state]").TextContent);
    }

    [Fact]
    public async Task ListsAWebhook_WithItsNameAndHealthyStatus()
    {
        await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created", "TICKET"]), "ana@example.com");

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr"));
            Assert.Contains("CRM leads", row.TextContent);
            Assert.Contains("https://crm.example.com/hooks", row.TextContent);
            Assert.Equal("Healthy", row.QuerySelector("[data-testid=webhook-status]")!.TextContent.Trim());
            Assert.Contains("never", row.TextContent);
        });
        Assert.Empty(page.FindAll("[data-testid=empty-state]"));
    }

    [Fact]
    public async Task ShowsFailing_WhenADeliveryFailedForGood()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        await using (var db = Engine.Db())
        {
            (await db.Subscriptions.SingleAsync(s => s.Id == crm.Id)).FailingSince = Engine.Time.GetUtcNow();
            await db.SaveChangesAsync();
        }

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal("Failing", page.Find("tbody tr [data-testid=webhook-status]").TextContent.Trim()));
        Assert.Empty(page.FindAll("button[aria-label='Enable CRM leads']"));
    }

    [Fact]
    public async Task ShowsWhyTheConsoleDisabledAWebhook_AndEnablesItInOneClick()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (crm, _) = await subscriptions.CreateAsync(new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        const string reason = "The endpoint answered 410 Gone, so the console disabled this webhook.";
        await using (var db = Engine.Db())
        {
            var stored = await db.Subscriptions.SingleAsync(s => s.Id == crm.Id);
            (stored.Enabled, stored.DisabledReason, stored.FailingSince) = (false, reason, Engine.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() =>
        {
            var row = page.Find("tbody tr");
            Assert.Equal("Disabled", row.QuerySelector("[data-testid=webhook-status]")!.TextContent.Trim());
            Assert.Equal(reason, row.QuerySelector("[data-testid=webhook-status]")!.GetAttribute("title"));
            Assert.EndsWith(reason, row.QuerySelector("[data-testid=disabled-reason]")!.TextContent.Trim()); // after the icon
        });

        await page.Find("button[aria-label='Enable CRM leads']").ClickAsync();

        page.WaitForAssertion(() => Assert.Equal("Healthy", page.Find("tbody tr [data-testid=webhook-status]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=disabled-reason]"));
        var enabled = (await subscriptions.GetAsync(crm.Id))!;
        Assert.True(enabled.Enabled);
        Assert.Null(enabled.DisabledReason);
        Assert.Null(enabled.FailingSince);
        await using (var db = Engine.Db())
            Assert.Equal(Admin, (await db.AuditEntries.SingleAsync(e => e.Action == "webhook.enabled")).Actor);
    }

    [Fact]
    public async Task ShowsTheSuccessRateOfTheLast24Hours_WithoutTests()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), "ana@example.com");
        // Recorded as the worker records them, so the hourly counters the chart reads are kept too.
        var store = Engine.Get<IDeliveryStore>();
        var now = Engine.Time.GetUtcNow();
        var outcomes = new[] { (true, false, 3), (true, false, 2), (false, false, 1), (false, true, 1) }; // (succeeded, test, hours ago)
        foreach (var (succeeded, isTest, hoursAgo) in outcomes)
        {
            var delivery = new WebhookDelivery { MessageId = "msg", EventId = "evt", EventType = "lead.created", SubscriptionId = crm.Id, Body = "{}"u8.ToArray(), IsTest = isTest };
            await store.RecordAttemptAsync(new DeliveryAttempt
            {
                DeliveryId = delivery.Id, SubscriptionId = crm.Id, EventType = "lead.created", Number = 1, At = now.AddHours(-hoursAgo),
                Succeeded = succeeded, IsTest = isTest, RequestHeaders = "{}",
            }, delivery);
        }

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("66.7%", page.Find("[data-testid=success-rate]").TextContent));
        Assert.Contains("of 3 attempts", page.Find("[data-testid=success-rate]").GetAttribute("title"));
    }
}
