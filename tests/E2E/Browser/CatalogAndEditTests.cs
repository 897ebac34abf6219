using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Drills;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>
/// The flows the other browser tests do not walk: the event catalog (search, an alias, the schema), editing a webhook's name and
/// limits, the delivery log's outcome filter, and deleting a webhook behind its confirmation.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CatalogAndEditTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task TheCatalog_FindsATypeByItsAlias_AndShowsItsSchema()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("settings/event-types");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();

        await page.GetByLabel("Search event types").FillAsync("TICKET");
        var items = page.GetByRole(AriaRole.Listitem);
        await Expect(items).ToHaveCountAsync(1);
        await Expect(items).ToContainTextAsync("ticket.created");
        await items.ClickAsync();
        await Expect(page.GetByTestId("event-type-name")).ToHaveTextAsync("ticket.created");
        await Expect(page.GetByTestId("event-example")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Schema" }).ClickAsync();
        await Expect(page.GetByTestId("event-schema")).ToContainTextAsync("\"properties\"");

        await page.GetByLabel("Search event types").FillAsync("no-such-event-anywhere");
        await Expect(page.GetByText("No event type matches")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task EditAWebhooksNameAndLimits_FilterItsLogByOutcome_ThenDeleteIt()
    {
        using var client = fixture.App.Client();
        await using var receiver = await TestReceiver.StartAsync();
        // The first request is answered 200, every later one 500. Decided by the request's number: the receiver counts a request
        // before it answers, so a flag flipped after WaitForRequestsAsync could still reach the first answer.
        receiver.Respond = (n, c) =>
        {
            c.Response.StatusCode = n == 1 ? 200 : 500;
            return Task.CompletedTask;
        };
        var tag = Guid.NewGuid().ToString("N")[..6];
        var bot = Guid.NewGuid().ToString();
        using var created = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "Edit me " + tag, url = receiver.Url, events = new[] { "message.rated" }, retrySchedule = new[] { 1 }, assistantId = bot,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"settings/webhooks/{id}");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Edited " + tag);
        await page.GetByLabel("Max concurrent requests").FillAsync("3");
        await page.GetByLabel("Rate limit (requests per second)").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByText($"Saved \"Edited {tag}\"")).ToBeVisibleAsync();
        var stored = await client.GetFromJsonAsync<JsonElement>($"api/v1/webhooks/{id}");
        Assert.Equal("Edited " + tag, stored.GetProperty("name").GetString());
        Assert.Equal(3, stored.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(20, stored.GetProperty("rateLimitPerSecond").GetInt32());

        // One delivered, one failed for good: the log's outcome filter shows each alone.
        await PublishAsync(client, bot);
        await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(15));
        await PublishAsync(client, bot);
        await receiver.WaitForRequestsAsync(3, TimeSpan.FromSeconds(15));   // the second event's attempt and its retry after 1 s
        await page.GotoAsync($"settings/webhooks/{id}/log");
        await page.WaitForCircuitAsync();
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "message.rated" });
        await Expect(rows).ToHaveCountAsync(3, new() { Timeout = 15_000 });
        await page.GetByLabel("Outcome").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Failed" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.GetByTestId("attempt-outcome").First).ToHaveTextAsync("Failed");
        await Expect(page.GetByTestId("attempt-outcome").Filter(new() { HasText = "Succeeded" })).ToHaveCountAsync(0);

        // Delete asks first; Cancel keeps it, Delete removes it.
        await page.GotoAsync($"settings/webhooks/{id}");
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete webhook" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"Delete \"Edited {tag}\"?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        using (var still = await client.GetAsync($"api/v1/webhooks/{id}"))
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete webhook" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("settings/webhooks$"));
        using var gone = await client.GetAsync($"api/v1/webhooks/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private static async Task PublishAsync(HttpClient client, string bot)
    {
        using var response = await client.PostAsJsonAsync("api/v1/events", new
        {
            type = "RATE_MESSAGE",
            data = new { type = "RATE_MESSAGE", botId = bot, sessionId = Guid.NewGuid().ToString(), messageId = Guid.NewGuid().ToString(), rating = 1 },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
