using Microsoft.Playwright;

// The drills compare latencies measured in this process and in the consoles it starts: a test class running beside them (its own
// console hashing passwords, say) would take the machine's two cores from under the measurement. Every E2E test runs alone.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
// And no test's browser pages outlive it: an open console page keeps rendering (live logs, relative times), and by the drills
// dozens of them took a core between their renderers and the shared console's circuits.
[assembly: WebhookConsole.Tests.E2E.Infrastructure.ClosePagesAfterEachTest]

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>One running console and one Chromium shared by the tests of the "console" collection.</summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ConsoleApp App { get; } = new();
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The fixture of the running tests, for <see cref="ClosePagesAfterEachTestAttribute"/>.</summary>
    internal static ConsoleFixture? Current { get; private set; }

    public async Task InitializeAsync()
    {
        Current = this;
        await App.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's Chromium: Playwright cannot download its own browser on these machines.
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with clipboard access, and a page in it; on the shared console unless told another.</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 900, ConsoleApp? app = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (app ?? App).BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Closes every browser context (and so every page) the tests opened so far.</summary>
    public async Task ClosePagesAsync()
    {
        if (_playwright is null)
            return;
        foreach (var context in Browser.Contexts.ToList())
            await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        Current = null;
        // The console goes even when Chromium never launched (Browser unset), or it outlives the test run.
        try
        {
            if (Browser is { } browser)
                await browser.DisposeAsync();
            _playwright?.Dispose();
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>After every test of the assembly: the browser pages it opened are closed (see the assembly attribute above).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ClosePagesAfterEachTestAttribute : Xunit.Sdk.BeforeAfterTestAttribute
{
    // After is synchronous; Task.Run keeps the close off xunit's synchronization context, which this thread holds.
    public override void After(System.Reflection.MethodInfo methodUnderTest) =>
        Task.Run(() => ConsoleFixture.Current?.ClosePagesAsync() ?? Task.CompletedTask).GetAwaiter().GetResult();
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
