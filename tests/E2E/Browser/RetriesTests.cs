using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>
/// Failing endpoints as a person sees them: "failing" in the list, the next attempt time, Resend once the receiver recovers,
/// a 410 that disables the webhook (with the reason, and Enable in one click), and a replay with its progress.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RetriesTests(ConsoleFixture fixture) : IAsyncLifetime
{
    // The webhooks here are scoped to this test's assistant id, so events other tests publish never reach them, and theirs stay out of ours.
    private readonly string _botId = Guid.NewGuid().ToString();
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private TestReceiver _receiver = default!;
    private volatile int _answer = 503; // what the receiver answers now: the test "recovers" it by setting 200

    public async Task InitializeAsync()
    {
        _receiver = await TestReceiver.StartAsync();
        _receiver.Respond = (_, c) => _answer == 200 ? c.Response.WriteAsync("ok") : Status(c, _answer);
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task FailingEndpoint_ShowsFailing_ItsDeliveryShowsTheNextAttempt_AndResendSucceedsOnceItRecovers()
    {
        using var client = fixture.App.Client();
        var givesUp = "Gives up " + _tag;       // one retry after 1 s, then failed for good: the webhook is failing
        var retriesLater = "Retries later " + _tag; // next retry in 10 minutes: its delivery is retrying
        await CreateWebhookAsync(client, givesUp, "gives-up", [1]);
        await CreateWebhookAsync(client, retriesLater, "retries-later", [600]);
        await PublishAsync(client);
        await _receiver.WaitForRequestsAsync(3, TimeSpan.FromSeconds(30)); // 2 attempts + 1 attempt, all answered 503

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("settings/webhooks");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(Row(page, givesUp).GetByTestId("webhook-status")).ToHaveTextAsync("Failing", Engine);
        await Expect(Row(page, retriesLater).GetByTestId("webhook-status")).ToHaveTextAsync("Healthy"); // still trying: not failing yet
        await page.ScreenshotAsync("40-webhooks-failing");

        // Its delivery, retrying: the Deliveries tab and the detail panel say when the next attempt is.
        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery log of " + retriesLater }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Deliveries" }).ClickAsync();
        var delivery = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "message.rated" });
        await Expect(delivery.GetByTestId("delivery-state")).ToHaveTextAsync("retrying");
        await Expect(delivery).ToContainTextAsync(new Regex(@"next \d\d:\d\d:\d\d \(in (9|10|11) min\)"));
        await page.ScreenshotAsync("41-deliveries-retrying");
        await delivery.GetByRole(AriaRole.Button).First.ClickAsync();
        var state = page.GetByTestId("delivery-state-line");
        await Expect(state).ToHaveTextAsync(new Regex(@"^\s*retrying\s*— next attempt at \d\d:\d\d:\d\d \(in (9|10|11) min\)\s*$"));
        await page.ScreenshotAsync("42-detail-next-attempt");

        // The receiver recovers; Resend sends it now, and the succeeded attempt appears in the open panel.
        _answer = 200;
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend", Exact = true }).ClickAsync();
        await Expect(state).ToContainTextAsync("succeeded — delivered", EngineContains);
        var attempts = page.GetByTestId("delivery-attempts").Locator("tbody tr");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(1)).ToContainTextAsync("Succeeded");
        await Expect(page.GetByTestId("selected-attempt")).ToContainTextAsync("HTTP 200");
        await page.ScreenshotAsync("43-resent");
        var sent = _receiver.Requests.Where(r => r.Path == "/retries-later").ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0].Headers["webhook-id"], sent[1].Headers["webhook-id"]);
        await page.Keyboard.PressAsync("Escape");

        // The failing webhook's delivery, resent from the attempts log: delivered, and the webhook is healthy again.
        await page.GotoAsync("settings/webhooks");
        await page.WaitForCircuitAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery log of " + givesUp }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delivery log · " + givesUp })).ToBeVisibleAsync(); // not the list's rows
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "message.rated" }).First.GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(state).ToContainTextAsync("failed — no more retries");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend", Exact = true }).ClickAsync();
        await Expect(state).ToContainTextAsync("succeeded — delivered", EngineContains);
        await page.Keyboard.PressAsync("Escape");
        await page.GotoAsync("settings/webhooks");
        await page.WaitForCircuitAsync();
        await Expect(Row(page, givesUp).GetByTestId("webhook-status")).ToHaveTextAsync("Healthy");
    }

    [Fact]
    public async Task GoneEndpoint_IsDisabledWithItsReason_EnableIsOneClick_AndReplayShowsProgress()
    {
        using var client = fixture.App.Client();
        var name = "Gone " + _tag;
        await CreateWebhookAsync(client, name, "gone", [1]);
        _answer = 410;
        await PublishAsync(client);
        await _receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("settings/webhooks");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(Row(page, name).GetByTestId("webhook-status")).ToHaveTextAsync("Disabled", Engine);
        await Expect(Row(page, name).GetByTestId("disabled-reason")).ToContainTextAsync("The endpoint answered 410 Gone, so the console disabled this webhook.");
        await page.ScreenshotAsync("44-webhook-disabled-by-the-console");

        await page.GetByRole(AriaRole.Button, new() { Name = "Enable " + name, Exact = true }).ClickAsync();
        await Expect(Row(page, name).GetByTestId("webhook-status")).ToHaveTextAsync("Healthy");
        await Expect(Row(page, name).GetByTestId("disabled-reason")).ToHaveCountAsync(0);

        // The receiver is back: replay the failed delivery and watch it arrive.
        _answer = 200;
        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery log of " + name }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay failed deliveries" }).ClickAsync();
        var dialog = page.GetByTestId("replay-dialog");
        await Expect(dialog.GetByLabel("Since")).ToHaveValueAsync(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d$")); // 24 hours ago by default (a datetime-local input)
        await page.ScreenshotAsync("45-replay-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();
        await Expect(dialog.GetByTestId("replay-counts")).ToHaveTextAsync(new Regex(@"^\s*1 of 1 delivered · 0 failed again\s*$"), Engine);
        await Expect(dialog.GetByTestId("replay-state")).ToHaveTextAsync(new Regex(@"^\s*Done\.\s*$"), Engine);
        await page.ScreenshotAsync("46-replay-done");
        var gone = _receiver.Requests.Where(r => r.Path == "/gone").ToList();
        Assert.Equal(2, gone.Count);
        Assert.Equal(gone[0].Headers["webhook-id"], gone[1].Headers["webhook-id"]);

        // Spare the receiver next time: at most 2 requests at once, 5 a second (the edit page, back through the log's link).
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        var maxConcurrent = page.GetByLabel("Max concurrent requests");
        await Expect(maxConcurrent).ToHaveAttributeAsync("placeholder", "8 (default)");
        await maxConcurrent.FillAsync("2");
        await page.GetByLabel("Rate limit (requests per second)").FillAsync("5");
        var save = page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true });
        await save.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync("47-endpoint-limits");
        await save.ClickAsync();
        await Expect(page.GetByText($"Saved \"{name}\"")).ToBeVisibleAsync();
        var saved = (await client.GetFromJsonAsync<List<JsonElement>>("api/v1/webhooks"))!.Single(w => w.GetProperty("name").GetString() == name);
        Assert.Equal(2, saved.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(5, saved.GetProperty("rateLimitPerSecond").GetInt32());
    }

    // What waits on the engine (an attempt made, recorded, then shown live) gets longer than the 5 s default: the machines are shared.
    private static readonly LocatorAssertionsToHaveTextOptions Engine = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions EngineContains = new() { Timeout = 15_000 };

    private static ILocator Row(IPage page, string webhookName) => page.GetByRole(AriaRole.Row).Filter(new() { HasText = webhookName });

    private async Task CreateWebhookAsync(HttpClient client, string name, string path, int[] retrySchedule)
    {
        var response = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name, url = _receiver.Url.Replace("/hook", "/" + path), events = new[] { "message.rated" }, retrySchedule, timeoutSeconds = 5,
            assistantId = _botId,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task PublishAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("api/v1/events", new
        {
            type = "RATE_MESSAGE",
            data = new { type = "RATE_MESSAGE", botId = _botId, sessionId = Guid.NewGuid().ToString(), messageId = Guid.NewGuid().ToString(), rating = -1 },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveries").GetInt32() > 0);
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
