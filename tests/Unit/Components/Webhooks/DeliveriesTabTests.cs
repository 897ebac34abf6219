using System.Text.RegularExpressions;
using Bunit;
using MudBlazor;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

/// <summary>A webhook's log, "Deliveries" tab: every delivery with its state, filterable by state, retrying ones with their next attempt.</summary>
public sealed class DeliveriesTabTests : EngineComponentTest
{
    private WebhookSubscription _crm = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created", "ticket.created"]), Admin);
    }

    [Fact]
    public async Task ListsDeliveriesWithTheirStates_AndFiltersByState()
    {
        var now = Engine.Time.GetUtcNow();
        await AddDeliveryAsync(DeliveryState.Succeeded, minutesAgo: 30, attempts: 1);
        await AddDeliveryAsync(DeliveryState.Retrying, minutesAgo: 20, attempts: 2, nextAttemptAt: now.AddMinutes(5));
        await AddDeliveryAsync(DeliveryState.Failed, minutesAgo: 10, attempts: 4);
        await AddDeliveryAsync(DeliveryState.Pending, minutesAgo: 0, attempts: 0);
        var page = Render<DeliveryLogPage>(p => p.Add(x => x.Id, _crm.Id));
        page.WaitForAssertion(() => Assert.Equal("Delivery log · CRM leads", page.Find("h1").TextContent.Trim()));

        page.FindAll("[role=tab]").Single(t => t.TextContent.Contains("Deliveries")).Click();

        page.WaitForAssertion(() =>
        {
            var states = page.FindAll("tbody tr [data-testid=delivery-state]").Select(b => b.TextContent.Trim()).ToList();
            Assert.Equal(["pending", "failed", "retrying", "succeeded"], states); // newest first
        });
        Assert.Contains("not attempted yet", page.FindAll("tbody tr")[0].TextContent);

        await page.ChooseAsync("Delivery state", "retrying");

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr"));
            var next = now.AddMinutes(5).ToLocalTime();
            Assert.Equal("retrying", row.QuerySelector("[data-testid=delivery-state]")!.TextContent.Trim());
            Assert.Contains($"next {next:HH:mm:ss} (in 5 min)", Regex.Replace(row.TextContent, @"\s+", " "));
            Assert.Contains("HTTP 503", row.TextContent);
        });
    }

    [Fact]
    public async Task OpensTheDelivery_InTheDetailPanel()
    {
        var id = await AddDeliveryAsync(DeliveryState.Failed, minutesAgo: 10, attempts: 4);
        var dialogs = Render<MudDialogProvider>(); // the layout's dialog host, where the side panel opens
        var page = Render<DeliveryLogPage>(p => p.Add(x => x.Id, _crm.Id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[role=tab]")));
        page.FindAll("[role=tab]").Single(t => t.TextContent.Contains("Deliveries")).Click();

        page.WaitForElement($"[data-delivery-id='{id}'] ~ button.link-button").Click();

        dialogs.WaitForAssertion(() =>
        {
            Assert.Equal(4, dialogs.FindAll("[data-testid=delivery-attempts] tbody tr").Count);
            Assert.Contains("Attempt 4", dialogs.Find("[data-testid=selected-attempt]").TextContent); // the latest attempt
        });
    }

    [Fact]
    public async Task BackOnTheAttemptsTab_TheAttemptsAreReadAfresh()
    {
        await AddDeliveryAsync(DeliveryState.Failed, minutesAgo: 10, attempts: 2);
        var page = Render<DeliveryLogPage>(p => p.Add(x => x.Id, _crm.Id));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr [data-attempt-id]").Count));

        page.FindAll("[role=tab]").Single(t => t.TextContent.Contains("Deliveries")).Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr [data-delivery-id]")));
        await AddDeliveryAsync(DeliveryState.Succeeded, minutesAgo: 1, attempts: 1); // made while the other tab was shown
        page.FindAll("[role=tab]").Single(t => t.TextContent.Contains("Attempts")).Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr [data-attempt-id]").Count)); // read afresh, not the rows from before
    }

    [Fact]
    public void TheAllWebhooksLog_HasNoDeliveriesTab()
    {
        var page = Render<DeliveryLogPage>();

        page.WaitForAssertion(() => Assert.Contains("a webhook's own log also lists its deliveries by state", page.Markup));
        Assert.Empty(page.FindAll("[role=tab]"));
    }

    private async Task<Guid> AddDeliveryAsync(DeliveryState state, int minutesAgo, int attempts, DateTimeOffset? nextAttemptAt = null)
    {
        var at = Engine.Time.GetUtcNow().AddMinutes(-minutesAgo);
        await using var db = Engine.Db();
        var delivery = new WebhookDelivery
        {
            MessageId = "msg_" + Guid.NewGuid().ToString("N"), EventId = "evt_" + Guid.NewGuid().ToString("N"), EventType = "lead.created",
            SubscriptionId = _crm.Id, Body = """{"event":"lead.created","data":{}}"""u8.ToArray(), State = state, AttemptCount = attempts, CreatedAt = at,
            NextAttemptAt = nextAttemptAt,
        };
        db.Deliveries.Add(delivery);
        for (var n = 1; n <= attempts; n++)
        {
            var succeeded = state == DeliveryState.Succeeded && n == attempts;
            db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                DeliveryId = delivery.Id, SubscriptionId = _crm.Id, EventType = "lead.created", Number = n, At = at.AddSeconds(n), DurationMs = 12,
                Succeeded = succeeded, StatusCode = succeeded ? 200 : 503, Failure = succeeded ? null : "HTTP 503 Service Unavailable", RequestHeaders = "{}",
            });
        }
        await db.SaveChangesAsync();
        return delivery.Id;
    }
}
