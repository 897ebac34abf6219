using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>Settings → Team in a real browser: an invite becomes a viewer who sees every page without edit controls, and a reset or removal signs an open page out.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TeamTests(ConsoleFixture fixture)
{
    private const string ViewerPassword = "viewer-password-Secret-1";

    /// <summary>A page of the console: where it is, what shows it has loaded, and the edit controls an admin sees there.</summary>
    private sealed record Checked(string Path, Func<IPage, ILocator> Loaded, params string[] AdminControls);

    [Fact]
    public async Task AnInvitedViewer_SeesEveryPageWithoutEditControls_AndAChangeSentAnywayIsRefused()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        using var api = fixture.App.Client();
        var webhook = await CreateAsync(api, "api/v1/webhooks", new { name = $"team-{tag}", url = "http://127.0.0.1:9/hook", events = new[] { "lead.created" } });
        await api.PutAsJsonAsync($"api/v1/webhooks/{webhook}", new { name = $"team-{tag}", url = "http://127.0.0.1:9/hook", events = new[] { "lead.created" }, enabled = false });
        var inbound = await CreateAsync(api, "api/v1/inbound", new { name = $"in-{tag}" });

        var admin = await SignedInAdminAsync(fixture.NewPageAsync());
        var email = $"viewer-{tag}@example.com";
        var link = await InviteAsync(admin, email);

        // The link, in a browser of its own: the person chooses a password and is signed in as a viewer.
        var viewer = await fixture.NewPageAsync();
        await AcceptAsync(viewer, link, email);

        Checked[] pages =
        [
            new("", p => Heading(p, "Overview")),
            new("conversations/sessions", p => Heading(p, "Sessions")),
            new("contacts", p => Heading(p, "Contacts")),
            new("settings/webhooks", p => p.GetByRole(AriaRole.Row).Filter(new() { HasText = $"team-{tag}" }), "edit-new-webhook", "edit-enabled", "edit-send-test"),
            new("settings/inbound", p => p.GetByRole(AriaRole.Row).Filter(new() { HasText = $"in-{tag}" }), "edit-create-inbound", "edit-enabled"),
            new("settings/mappings", p => Heading(p, "Mappings"), "edit-new-mapping"),
            new("settings/assistants", p => Heading(p, "Assistants"), "edit-create-assistant", "edit-save-company"),
            new("settings/api-keys", p => p.GetByRole(AriaRole.Row).Filter(new() { HasText = "bootstrap" }), "edit-create-key", "edit-revoke"),
            new("settings/team", p => p.GetByRole(AriaRole.Row).Filter(new() { HasText = email }), "edit-invite", "edit-remove", "edit-reset"),
            new("settings/event-types", p => p.GetByTestId("event-type-name")),
            new("audit", p => Heading(p, "Audit log")),
            // Pages the lists lead to.
            new($"settings/webhooks/{webhook}", p => p.GetByTestId("signing-secret"), "edit-save", "edit-rotate-secret", "edit-delete", "send-test-button"),
            new($"settings/webhooks/{webhook}/log", p => p.GetByTestId("live-indicator"), "edit-replay"),
            new($"settings/inbound/{inbound}", p => p.GetByTestId("inbound-url"), "edit-save", "edit-delete", "edit-regenerate-url"),
        ];

        // Every entry of the navigation is checked (a new page without a check fails here).
        var nav = await viewer.Locator("nav[aria-label='Main navigation'] a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(pages.Select(p => p.Path).Where(p => !p.Contains('/') || p.Split('/').Length == 2).Order(), nav.Order());

        foreach (var check in pages)
        {
            await OpenAsync(admin, check);
            foreach (var control in check.AdminControls)
                await Expect(admin.GetByTestId(control).First).ToBeVisibleAsync(new() { Timeout = 10_000 });

            await OpenAsync(viewer, check);
            foreach (var control in check.AdminControls)
                Assert.Equal(0, await viewer.GetByTestId(control).CountAsync());
            Assert.Equal(0, await viewer.Locator("[data-testid^='edit-']").CountAsync());
        }
        await viewer.GotoAsync($"settings/webhooks/{webhook}");
        await viewer.WaitForCircuitAsync();
        await Expect(viewer.Locator("input[name=Url]")).ToHaveAttributeAsync("readonly", new Regex(".*")); // seen, not editable
        await viewer.ScreenshotAsync("team-01-viewer-webhook");

        // Pages that only change things are refused to the viewer: "new" by the page, the backup by its route.
        await viewer.GotoAsync("settings/webhooks/new");
        await viewer.WaitForCircuitAsync();
        await Expect(viewer.GetByTestId("viewer-refused")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("input[name=Url]").CountAsync());
        await viewer.GotoAsync("settings/backup");
        await Expect(viewer).ToHaveURLAsync(new Regex("/access-denied"));
        await Expect(viewer.GetByTestId("viewer-refused")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.GetByTestId("back-up-now").CountAsync());

        // The API with the viewer's own sign-in: reads work, every change is 403 in words, and nothing changed.
        using var asViewer = await CookieClientAsync(viewer);
        Assert.Equal(HttpStatusCode.OK, (await asViewer.GetAsync("api/v1/webhooks")).StatusCode);
        await AssertRefusedAsync(await asViewer.PostAsJsonAsync("api/v1/webhooks", new { name = "nope", url = "http://127.0.0.1:9/x", events = new[] { "lead.created" } }));
        await AssertRefusedAsync(await asViewer.DeleteAsync($"api/v1/webhooks/{webhook}"));
        await AssertRefusedAsync(await asViewer.PostAsJsonAsync("api/v1/events", new { type = "lead.created", data = new { } }));
        await AssertRefusedAsync(await asViewer.PostAsJsonAsync("api/v1/users", new { email = "sneaky@example.com", role = "admin" }));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"api/v1/webhooks/{webhook}")).StatusCode);
        var team = await api.GetFromJsonAsync<List<JsonElement>>("api/v1/users");
        Assert.DoesNotContain(team!, u => u.GetProperty("email").GetString() == "sneaky@example.com");
        Assert.Equal("viewer", team!.Single(u => u.GetProperty("email").GetString() == email).GetProperty("role").GetString());
    }

    [Fact]
    public async Task AResetThenARemoval_SignOutThePersonsOpenPage_WithoutAReload()
    {
        // Its own console: open pages re-check their sign-in every second, so the test waits seconds, not the default 10 s.
        await using var app = new ConsoleApp();
        await app.StartAsync(new Dictionary<string, string> { ["SignIn__RevalidateEvery"] = "00:00:01" });
        Task<IPage> NewPageAsync() => fixture.NewPageAsync(app: app);

        var admin = await SignedInAdminAsync(NewPageAsync());
        const string email = "colleague@example.com";
        var person = await NewPageAsync();
        await AcceptAsync(person, await InviteAsync(admin, email), email);
        await OpenWebhooksAsync(person);

        // The last admin cannot make themselves a viewer: the service's words, in a snackbar.
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Make {ConsoleApp.AdminEmail} viewer" }).ClickAsync();
        await Expect(admin.Locator(".mud-snackbar")).ToContainTextAsync("last admin");

        // Reset: the person's open page goes to sign-in by itself, and the old password stops working.
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = email });
        await row.GetByRole(AriaRole.Button, new() { Name = $"Reset {email}" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reset", Exact = true }).ClickAsync();
        var newLink = await admin.GetByTestId("invite-link").TextContentAsync();
        await admin.GetByTestId("invite-link-close").ClickAsync();
        await Expect(person).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 15_000 });
        await person.SignInAsync(email, ViewerPassword);
        await Expect(person.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");

        // The new link works; then a removal signs the open page out again, for good.
        await AcceptAsync(person, newLink!, email);
        await OpenWebhooksAsync(person);
        await row.GetByRole(AriaRole.Button, new() { Name = $"Remove {email}" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = email })).ToHaveCountAsync(0);
        await Expect(person).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 15_000 });
        await person.SignInAsync(email, ViewerPassword);
        await Expect(person.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
    }

    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true, Level = 1 });

    private static async Task OpenAsync(IPage page, Checked check)
    {
        await page.GotoAsync(check.Path);
        await page.WaitForCircuitAsync();
        await Expect(check.Loaded(page).First).ToBeVisibleAsync();
    }

    private static async Task OpenWebhooksAsync(IPage page)
    {
        await page.GotoAsync("settings/webhooks");
        await page.WaitForCircuitAsync();
        await Expect(Heading(page, "Webhooks")).ToBeVisibleAsync();
    }

    private static async Task<IPage> SignedInAdminAsync(Task<IPage> opening)
    {
        var page = await opening;
        await page.GotoAsync("settings/team");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();
        await Expect(Heading(page, "Team")).ToBeVisibleAsync();
        return page;
    }

    // Invites from the Team page (role viewer, the default) and returns the one-time link from the dialog.
    private static async Task<string> InviteAsync(IPage admin, string email)
    {
        await admin.GetByLabel("Email of the person to invite").FillAsync(email);
        await admin.GetByTestId("invite-submit").ClickAsync();
        var link = await admin.GetByTestId("invite-link").TextContentAsync();
        Assert.Matches(@"/invite/[A-Za-z0-9_-]{40,}$", link);
        await admin.ScreenshotAsync("team-00-invite-link");
        await admin.GetByTestId("invite-link-close").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = email })).ToContainTextAsync("invite pending");
        return link!;
    }

    private static async Task AcceptAsync(IPage page, string link, string email)
    {
        await page.GotoAsync(link);
        await Expect(page.GetByTestId("invite-email")).ToHaveTextAsync(email);
        await page.GetByLabel("New password").FillAsync(ViewerPassword);
        await page.GetByLabel("The same again").FillAsync(ViewerPassword);
        await page.GetByTestId("invite-submit").ClickAsync();
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(email);
    }

    private async Task<HttpClient> CookieClientAsync(IPage page)
    {
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "webhookconsole.auth");
        // Cookies off in the handler, so the header set here is the one sent: the browser's sign-in, nothing else.
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = fixture.App.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        return client;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("viewer", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    private static async Task<string> CreateAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
