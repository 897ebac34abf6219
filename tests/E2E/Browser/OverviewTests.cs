using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Drills;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>
/// The Overview of a console of its own (the shared one's figures hold every other test's deliveries), open in the browser while
/// the test publishes: the first-run checklist goes once its steps are done, and the figures come to what was published, live.
/// With <c>E2E_SCREENSHOTS</c> set it also takes README's screenshots (<c>scripts/screenshots.sh</c>).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OverviewTests(ConsoleFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions LiveContains = new() { Timeout = 20_000 };

    [Fact]
    public async Task TheOverview_ComesToWhatWasPublished_SuccessesFailuresAndBacklog_WithoutAReload()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync();
        using var client = app.Client();
        await using var ok = await TestReceiver.StartAsync();     // answers 200 {"ok":true}
        await using var down = await TestReceiver.StartAsync();   // answers 503 to everything
        down.Respond = (_, c) =>
        {
            c.Response.StatusCode = 503;
            return Task.CompletedTask;
        };

        var page = await fixture.NewPageAsync(1280, 800, app);
        await page.GotoAsync("");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("first-run")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("step-webhook")).ToHaveAttributeAsync("data-done", "false");

        var crm = await DrillLoad.CreateWebhookAsync(client, "CRM leads", ok.Url, "lead.created", [1]);
        var tickets = await DrillLoad.CreateWebhookAsync(client, "Ticket desk", down.Url, "ticket.created", [1]); // one retry after 1 s, then failed
        var analytics = await DrillLoad.CreateWebhookAsync(client, "Analytics", down.Url, "message.sent", [3600]); // retrying for an hour
        using (var test = await client.PostAsJsonAsync($"api/v1/webhooks/{crm}/test", new { }))
            Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        foreach (var (type, count) in new[] { ("lead.created", 3), ("ticket.created", 2), ("message.sent", 1) })
            for (var n = 0; n < count; n++)
            {
                using var published = await client.PostAsJsonAsync("api/v1/events", new { type, data = new { n } });
                Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
            }

        // What the receivers were sent: the test and 3 leads; 2 tickets twice each and the analytics event once.
        await ok.WaitForRequestsAsync(4, TimeSpan.FromSeconds(20));
        await down.WaitForRequestsAsync(5, TimeSpan.FromSeconds(20));

        // 8 attempts (the test not counted): 3 succeeded; the tickets' first attempts and the analytics one were retried, their
        // second attempts failed for good; the analytics delivery is the backlog, retrying.
        await Expect(page.GetByTestId("success-rate")).ToContainTextAsync("3 of 8 attempts", LiveContains);
        await Expect(page.GetByTestId("success-rate-value")).ToHaveTextAsync("37.5%");
        await Expect(page.GetByTestId("backlog-value")).ToHaveTextAsync("1", Live);
        await Expect(page.GetByTestId("backlog")).ToContainTextAsync("0 pending · 1 retrying");
        await Expect(page.GetByTestId("deliveries-chart")).ToHaveAttributeAsync("aria-label", new Regex("3 succeeded, 3 retried, 2 failed"));
        var troubled = page.GetByTestId("troubled-webhooks");
        await Expect(troubled).ToContainTextAsync("Ticket desk");
        await Expect(troubled).Not.ToContainTextAsync("CRM leads");
        await Expect(troubled).Not.ToContainTextAsync("Analytics");   // still trying: not failing yet
        await Expect(page.GetByTestId("first-run")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("overview");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("[data-circuit]")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ScreenshotAsync("overview-dark");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.Locator("[data-circuit]")).ToHaveAttributeAsync("data-theme", "light");

        // And the same numbers are what the API reports of each webhook's deliveries.
        var states = new List<string>();
        foreach (var id in new[] { crm, tickets, analytics })
            states.AddRange((await client.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{id}/deliveries?pageSize=50"))!
                .Where(d => !d.GetProperty("isTest").GetBoolean()).Select(d => d.GetProperty("state").GetString()!));
        Assert.Equal(["failed", "failed", "retrying", "succeeded", "succeeded", "succeeded"], states.Order());

        // The CRM webhook's delivery log, with an attempt's detail open: README's second screenshot.
        await page.GotoAsync($"settings/webhooks/{crm}/log");
        await page.WaitForCircuitAsync();
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lead.created" });
        await Expect(rows).ToHaveCountAsync(4, new() { Timeout = 15_000 });   // 3 published and the test
        await page.ScreenshotAsync("delivery-log");
        await rows.First.GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(page.GetByTestId("attempt-detail")).ToBeVisibleAsync();
        await page.ScreenshotAsync("attempt-detail");
    }
}
