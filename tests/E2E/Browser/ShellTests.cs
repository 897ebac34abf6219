using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

[Collection(ConsoleCollection.Name)]
public sealed class ShellTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task SignedOutVisit_LandsOnSignIn_ThenTheShell_ThenSignsOut()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("settings/webhooks");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2Fsettings%2Fwebhooks"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Webhook Console" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("01-sign-in");

        await page.SignInAsync(password: "not-the-password");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");

        await page.SignInAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/settings/webhooks$"));

        await page.GotoAsync("");
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(ConsoleApp.AdminEmail);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("02-overview");

        await page.GetByRole(AriaRole.Link, new() { Name = "Event types" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Event types", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("Search event types").FillAsync("lead");
        await page.Locator("[data-event-type='lead.created']").ClickAsync();
        await Expect(page.GetByTestId("event-type-name")).ToHaveTextAsync("lead.created");
        await Expect(page.GetByTestId("event-example")).ToContainTextAsync("\"organizationId\"");
        await page.ScreenshotAsync("03-event-types");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await Expect(page.GetByText("You have signed out.")).ToBeVisibleAsync();

        await page.GotoAsync("settings/api-keys");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl="));
    }

    [Fact]
    public async Task CreateApiKey_ShowsItOnce_AndTheKeyWorks()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("settings/api-keys");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();

        var name = "browser key " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Key name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();

        var shown = page.GetByTestId("new-key-value");
        await Expect(shown).ToHaveTextAsync(new Regex("^wc_[A-Za-z0-9_-]{40,}$"));
        var key = await shown.TextContentAsync();
        await page.ScreenshotAsync("04-api-key-created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await Expect(page.GetByText("Copied to the clipboard").Last).ToBeVisibleAsync(); // the copy runs over the circuit, after the click returns
        Assert.Equal(key, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Expect(row).ToContainTextAsync(key![..10] + "…");
        await Expect(row).ToContainTextAsync("never");

        using var client = fixture.App.Client(apiKey: key);
        Assert.True((await client.GetAsync("api/v1/event-types")).IsSuccessStatusCode);

        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("api_key.created");
        await page.ScreenshotAsync("05-audit");
    }
}
