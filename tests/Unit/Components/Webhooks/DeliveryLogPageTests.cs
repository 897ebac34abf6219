using Bunit;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

public sealed class DeliveryLogPageTests : EngineComponentTest
{
    private WebhookSubscription _crm = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created", "ticket.created"]), "ana@example.com");
    }

    [Fact]
    public async Task ListsAttempts_NewestFirst_WithTheWebhookName()
    {
        await AddAttemptAsync("lead.created", minutesAgo: 30, succeeded: true, status: 200);
        await AddAttemptAsync("ticket.created", minutesAgo: 5, succeeded: false, status: 500, failure: "HTTP 500 Internal Server Error");
        await AddAttemptAsync("lead.created", minutesAgo: 15, succeeded: true, status: 204, isTest: true);

        var page = Render<DeliveryLogPage>();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr").Select(r => r.TextContent).ToList();
            Assert.Equal(3, rows.Count);
            Assert.Contains("ticket.created", rows[0]);
            Assert.Contains("Failed", rows[0]);
            Assert.Contains("HTTP 500 Internal Server Error", rows[0]);
            Assert.Contains("204", rows[1]);
            Assert.Contains("test", rows[1]);
            Assert.Contains("200", rows[2]);
            Assert.All(rows, r => Assert.Contains("CRM leads", r));
        });
    }

    [Fact]
    public async Task FiltersByFailed()
    {
        await AddAttemptAsync("lead.created", minutesAgo: 30, succeeded: true, status: 200);
        await AddAttemptAsync("ticket.created", minutesAgo: 20, succeeded: false, status: null, failure: "connection refused");
        await AddAttemptAsync("lead.created", minutesAgo: 10, succeeded: true, status: 200);
        var page = Render<DeliveryLogPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr").Count));

        await page.ChooseAsync("Outcome", "Failed");

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr"));
            Assert.Contains("connection refused", row.TextContent);
            Assert.Equal("Failed", row.QuerySelector("[data-testid=attempt-outcome]")!.TextContent.Trim());
        });
    }

    [Fact]
    public async Task ShowsOnlyThatWebhook_WhenScoped()
    {
        var (other, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("Slack", "https://hooks.example.com/slack", ["ticket.created"]), "ana@example.com");
        await AddAttemptAsync("lead.created", minutesAgo: 30, succeeded: true, status: 200);
        await AddAttemptAsync("ticket.created", minutesAgo: 20, succeeded: true, status: 202, subscription: other.Id);

        var page = Render<DeliveryLogPage>(p => p.Add(x => x.Id, other.Id));

        page.WaitForAssertion(() => Assert.Contains("202", Assert.Single(page.FindAll("tbody tr")).TextContent));
        Assert.Contains("Delivery log · Slack", page.Find("h1").TextContent);
    }

    [Fact]
    public async Task ShowsANewAttempt_WhenTheFeedReportsIt()
    {
        await AddAttemptAsync("lead.created", minutesAgo: 30, succeeded: true, status: 200);
        var page = Render<DeliveryLogPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        var oneLoad = Queries.Reading("DeliveryAttempts"); // what the page's first load read: the page of attempts, and its count

        var id = await AddAttemptAsync("ticket.created", minutesAgo: 0, succeeded: false, status: 503, failure: "HTTP 503 Service Unavailable");
        var beforeBurst = Queries.Reading("DeliveryAttempts");
        for (var i = 0; i < 50; i++) // a burst: the page re-queries once, not fifty times
            Feed.AttemptRecorded(new AttemptRecorded(id, Guid.NewGuid(), _crm.Id, "ticket.created", 1, "failed", 503, 12, Engine.Time.GetUtcNow(), false, null));

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Contains("HTTP 503 Service Unavailable", rows[0].TextContent);
            Assert.Equal(id.ToString(), rows[0].QuerySelector("[data-attempt-id]")!.GetAttribute("data-attempt-id"));
        }, TimeSpan.FromSeconds(5));
        Assert.True(oneLoad > 0);
        Assert.Equal(oneLoad, Queries.Reading("DeliveryAttempts") - beforeBurst); // one reload for the whole burst
    }

    private async Task<long> AddAttemptAsync(string eventType, int minutesAgo, bool succeeded, int? status, string? failure = null,
        bool isTest = false, Guid? subscription = null)
    {
        var at = Engine.Time.GetUtcNow().AddMinutes(-minutesAgo);
        await using var db = Engine.Db();
        var delivery = new WebhookDelivery
        {
            MessageId = "msg_" + Guid.NewGuid().ToString("N"), EventId = "evt_" + Guid.NewGuid().ToString("N"), EventType = eventType,
            SubscriptionId = subscription ?? _crm.Id, Body = System.Text.Encoding.UTF8.GetBytes($$$"""{"event":"{{{eventType}}}","timestamp":"{{{at:O}}}","data":{}}"""),
            State = succeeded ? DeliveryState.Succeeded : DeliveryState.Failed, AttemptCount = 1, CreatedAt = at, IsTest = isTest,
        };
        var attempt = new DeliveryAttempt
        {
            DeliveryId = delivery.Id, SubscriptionId = delivery.SubscriptionId, EventType = eventType, Number = 1, At = at, DurationMs = 42,
            Succeeded = succeeded, IsTest = isTest, StatusCode = status, Failure = failure, RequestHeaders = "{}", ResponseBody = "ok",
        };
        db.Deliveries.Add(delivery);
        db.DeliveryAttempts.Add(attempt);
        await db.SaveChangesAsync();
        return attempt.Id;
    }
}
