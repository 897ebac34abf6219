using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>The shell as people meet it: every page on a laptop and on a phone, and the theme they chose.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LayoutTests(ConsoleFixture fixture)
{
    // Every entry of the navigation, by its address.
    private static readonly string[] Pages =
        ["", "conversations/sessions", "contacts", "settings/webhooks", "settings/inbound", "settings/mappings",
         "settings/assistants", "settings/api-keys", "settings/event-types", "audit"];

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task EveryPageInTheNavigation_OpensWithoutAConsoleError_OrAHorizontalScrollbar(int width, int height)
    {
        var page = await fixture.NewPageAsync(width, height);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add($"{page.Url}: {message.Text}"); };
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");
        await page.GotoAsync("login");
        await page.SignInAsync();
        await page.WaitForURLAsync(new Regex("/$"));

        foreach (var address in Pages)
        {
            await page.GotoAsync(address);
            await page.WaitForCircuitAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"/{address} at {width}×{height} scrolls sideways by {overflow}px");
            await page.ScreenshotAsync($"60-{width}-{(address == "" ? "overview" : address.Replace('/', '-'))}");
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheThemeToggle_SurvivesAReload()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("login");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        var shell = page.Locator("[data-circuit]");
        await Expect(shell).ToHaveAttributeAsync("data-theme", "light");

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");

        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Expect(shell).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(background, await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        await page.ScreenshotAsync("61-dark-overview");

        await page.GetByTestId("theme-toggle").ClickAsync(); // back to light, for whoever opens this context next
        await Expect(shell).ToHaveAttributeAsync("data-theme", "light");
    }
}
