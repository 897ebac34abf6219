using Microsoft.Playwright;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>Steps a person takes in the console, as browser actions.</summary>
public static class PageExtensions
{
    /// <summary>Waits until the Blazor circuit is live: clicks before that are lost.</summary>
    public static Task WaitForCircuitAsync(this IPage page) =>
        page.Locator("[data-circuit=connected]").WaitForAsync();

    /// <summary>Fills the sign-in form and submits it.</summary>
    public static async Task SignInAsync(this IPage page, string email = ConsoleApp.AdminEmail, string password = ConsoleApp.AdminPassword)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Saves a screenshot to $E2E_SCREENSHOTS (when set), for looking at what a person sees.</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("E2E_SCREENSHOTS");
        if (string.IsNullOrEmpty(directory)) return;
        Directory.CreateDirectory(directory);
        // Animations disabled: a dialog still fading in is shown as it ends up.
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }
}
