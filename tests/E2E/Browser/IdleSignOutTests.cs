using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>
/// Idle sign-out on an open page (a Blazor circuit sends no requests): working on the page keeps the sign-in, a reload included;
/// leaving it alone for <c>SignIn:IdleTimeout</c> sends it to the sign-in form by itself. A console of its own with a 4 s idle time.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class IdleSignOutTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task WorkingOnAnOpenPage_KeepsTheSignIn_ThenLeavingItIdle_SignsItOut()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(new Dictionary<string, string>
        {
            ["SignIn__IdleTimeout"] = IdleTimeout.ToString(), ["SignIn__RevalidateEvery"] = "00:00:01",
        });
        var page = await fixture.NewPageAsync(1280, 800, app);
        await page.GotoAsync("settings/webhooks");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        var heading = page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks", Exact = true, Level = 1 });
        await Expect(heading).ToBeVisibleAsync();

        // Two and a half idle times of someone at work on the page: the mouse moves, a key is pressed. No page load meanwhile.
        var working = Stopwatch.StartNew();
        for (var step = 0; working.Elapsed < IdleTimeout * 2.5; step++)
        {
            await page.Mouse.MoveAsync(200 + step % 2 * 300, 300);
            if (step % 5 == 0)
                await page.Keyboard.PressAsync("Shift");
            await page.WaitForTimeoutAsync(300);   // a person's pace, not a wait for a result
        }
        await Expect(page).ToHaveURLAsync(new Regex("/settings/webhooks$"));
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(ConsoleApp.AdminEmail);

        // The page reported that work, so the cookie slid on: a reload is still signed in (it expires 4 s after the last request).
        await page.ReloadAsync();
        await page.WaitForCircuitAsync();
        await Expect(heading).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(ConsoleApp.AdminEmail);

        // Left alone, the open page goes to the sign-in form by itself, no sooner than the idle time after the reload.
        var idle = Stopwatch.StartNew();
        await Expect(page).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 15_000 });
        Assert.True(idle.Elapsed >= IdleTimeout - TimeSpan.FromMilliseconds(500), $"signed out after {idle.Elapsed.TotalSeconds:0.0} s idle, sooner than {IdleTimeout.TotalSeconds} s");

        // Signing in again works, and lands where the person was.
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(heading).ToBeVisibleAsync();
    }
}
