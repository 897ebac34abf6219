using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

[Collection(ConsoleCollection.Name)]
public sealed class WebhooksTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task CreateWebhook_CopySecret_SendTest_WatchTheLogLive_RotateSecret_FindTheAudit()
    {
        var page = await fixture.NewPageAsync();
        var name = "CRM " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("settings/webhooks");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await page.ScreenshotAsync("10-webhooks-list");

        // Create: a placeholder URL first, because the receiver needs the secret before it can start.
        await page.GetByRole(AriaRole.Button, new() { Name = "New webhook" }).First.ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync("http://127.0.0.1:9/placeholder");
        await page.GetByRole(AriaRole.Button, new() { Name = "Select all Leads events" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Select all Tickets events" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create webhook" }).ClickAsync();

        var secretShown = page.GetByTestId("webhook-secret");
        await Expect(secretShown).ToHaveTextAsync(new Regex("^whsec_[A-Za-z0-9+/=]{44}$"));
        await page.ScreenshotAsync("11-webhook-created");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy secret" }).ClickAsync();
        await Expect(page.GetByText("Copied to the clipboard").Last).ToBeVisibleAsync(); // the copy runs over the circuit, after the click returns
        var secret = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(await secretShown.TextContentAsync(), secret);

        // The receiver verifies with the npm standardwebhooks package, using the secret as copied.
        await using var receiver = await ReceiverProcess.StandardAsync(secret);
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync(receiver.Url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("URL", new() { Exact = true })).ToHaveValueAsync(receiver.Url);

        // Send test: the result shows inline.
        var sendTest = page.GetByTestId("send-test");
        await sendTest.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Expect(page.GetByTestId("test-result")).ToContainTextAsync("200");
        await Expect(page.GetByTestId("test-outcome")).ToBeVisibleAsync();
        await page.ScreenshotAsync("12-send-test");
        var tested = await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10));
        Assert.True(tested[0].GetProperty("verified").GetBoolean());
        Assert.Equal("lead.created", tested[0].GetProperty("event").GetString());

        // The log of this webhook, open while an event is published through the API: the attempt appears without reload.
        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery log of this webhook" }).ClickAsync();
        await Expect(page.GetByTestId("live-indicator")).ToBeVisibleAsync();
        var rows = page.GetByRole(AriaRole.Row);
        await Expect(rows.Filter(new() { HasText = "lead.created" })).ToHaveCountAsync(1);

        using var client = fixture.App.Client();
        var published = await client.PostAsJsonAsync("api/v1/events", new
        {
            type = "TICKET", data = new { type = "TICKET", botId = "b", sessionId = "s", customerName = "Ana", customerMessage = "help" },
        });
        Assert.True(published.IsSuccessStatusCode);
        var liveRow = rows.Filter(new() { HasText = "ticket.created" });
        await Expect(liveRow).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.ScreenshotAsync("13-log-live");

        // Its detail: request and response, with the webhook-id the receiver saw.
        await liveRow.GetByRole(AriaRole.Button).First.ClickAsync();
        var detail = page.GetByTestId("attempt-detail");
        await Expect(detail).ToBeVisibleAsync();
        var received = await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(10));
        await Expect(page.GetByTestId("detail-message-id")).ToHaveTextAsync(received[1].GetProperty("webhookId").GetString()!);
        await Expect(detail).ToContainTextAsync("customerName");
        await page.ScreenshotAsync("14-attempt-detail");
        await page.Keyboard.PressAsync("Escape");

        // Rotate the secret: a new one is shown once.
        await page.GotoAsync("settings/webhooks");
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit " + name }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("webhook-secret")).ToHaveTextAsync(new Regex("^whsec_"));
        Assert.NotEqual(secret, await page.GetByTestId("webhook-secret").TextContentAsync());

        // The audit log has the creation, the change and the rotation, and no secret.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await page.GetByLabel("Filter audit entries").FillAsync(name);
        await page.GetByLabel("Filter audit entries").PressAsync("Enter");
        var audit = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(audit.Filter(new() { HasText = "webhook.created" })).ToHaveCountAsync(1);
        await Expect(audit.Filter(new() { HasText = "webhook.updated" })).ToHaveCountAsync(1);
        await Expect(audit.Filter(new() { HasText = "webhook.secret_rotated" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync("15-audit");
        Assert.DoesNotContain(secret, await page.ContentAsync());
    }
}
