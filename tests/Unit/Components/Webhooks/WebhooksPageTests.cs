using Bunit;
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
    public async Task ShowsTheSuccessRateOfTheLast24Hours_WithoutTests()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), "ana@example.com");
        await using (var db = Engine.Db())
        {
            var now = Engine.Time.GetUtcNow();
            var outcomes = new[] { (true, false, 3), (true, false, 2), (false, false, 1), (false, true, 1) }; // (succeeded, test, hours ago)
            foreach (var (succeeded, isTest, hoursAgo) in outcomes)
            {
                var delivery = new WebhookDelivery { MessageId = "msg", EventId = "evt", EventType = "lead.created", SubscriptionId = crm.Id, Body = "{}", IsTest = isTest };
                db.Deliveries.Add(delivery);
                db.DeliveryAttempts.Add(new DeliveryAttempt
                {
                    DeliveryId = delivery.Id, SubscriptionId = crm.Id, EventType = "lead.created", Number = 1, At = now.AddHours(-hoursAgo),
                    Succeeded = succeeded, IsTest = isTest, RequestHeaders = "{}",
                });
            }
            await db.SaveChangesAsync();
        }

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("66.7%", page.Find("[data-testid=success-rate]").TextContent));
        Assert.Contains("of 3 attempts", page.Find("[data-testid=success-rate]").GetAttribute("title"));
    }
}
