using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

public sealed class WebhookEditPageTests : EngineComponentTest
{

    [Fact]
    public async Task Create_RefusesAnFtpUrl_AndKeepsWhatWasTyped()
    {
        var page = Render<WebhookEditPage>();
        page.Find("input[name=Name]").Change("CRM leads");
        page.Find("input[name=Url]").Change("ftp://x");
        page.Find("[data-event-type='lead.created'] input[type=checkbox]").Change(true);

        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Enter an absolute http(s) URL", page.Find("[role=alert]").TextContent));
        Assert.Contains("Enter an absolute http(s) URL", page.Find("[data-field-error=url]").TextContent);
        Assert.Equal("ftp://x", page.Find("input[name=Url]").GetAttribute("value"));
        Assert.Equal("CRM leads", page.Find("input[name=Name]").GetAttribute("value"));
        Assert.True(page.Find("[data-event-type='lead.created'] input[type=checkbox]").HasAttribute("checked"));
        Assert.Empty(page.FindAll("[data-testid=webhook-secret]"));
        Assert.Empty(await Engine.Get<SubscriptionService>().ListAsync());
    }

    [Fact]
    public async Task Create_ShowsTheSecretOnce_AndStoresTheWebhook()
    {
        var page = Render<WebhookEditPage>();
        page.Find("input[name=Name]").Change("CRM leads");
        page.Find("input[name=Url]").Change("https://crm.example.com/hooks");
        page.Find("[data-event-type='lead.created'] input[type=checkbox]").Change(true);

        await page.Find("form").SubmitAsync();

        var secret = page.WaitForElement("[data-testid=webhook-secret]").TextContent.Trim();
        Assert.StartsWith("whsec_", secret);
        var stored = Assert.Single(await Engine.Get<SubscriptionService>().ListAsync());
        Assert.Equal("CRM leads", stored.Name);
        Assert.Equal(["lead.created"], stored.Events);
        Assert.Equal(secret, Assert.Single(Engine.Get<SubscriptionService>().ActiveSecrets(stored)));
        Assert.EndsWith($"/settings/webhooks/{stored.Id}", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.NotNull(page.Find("[data-testid=signing-secret]")); // the page became the edit page of the new webhook

        var revisit = Render<WebhookEditPage>(p => p.Add(x => x.Id, stored.Id));
        revisit.WaitForAssertion(() => Assert.Contains("whsec_••••••••", revisit.Find("[data-testid=signing-secret]").TextContent));
        Assert.DoesNotContain(secret, revisit.Markup);
        Assert.Empty(revisit.FindAll("[data-testid=webhook-secret]"));
    }

    [Fact]
    public async Task Save_StoresTheEndpointLimits_AndEmptyMeansTheDefaults()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (created, _) = await subscriptions.CreateAsync(new SubscriptionInput("CRM", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        var page = Render<WebhookEditPage>(p => p.Add(x => x.Id, created.Id));
        page.WaitForAssertion(() => Assert.Equal("8 (default)", page.Find("input[name=MaxConcurrency]").GetAttribute("placeholder")));
        Assert.Equal("no limit", page.Find("input[name=RateLimitPerSecond]").GetAttribute("placeholder"));

        page.Find("input[name=MaxConcurrency]").Change("2");
        page.Find("input[name=RateLimitPerSecond]").Change("50");
        await page.Find("form").SubmitAsync();

        var limited = (await subscriptions.GetAsync(created.Id))!;
        Assert.Equal((2, 50), (limited.MaxConcurrency, limited.RateLimitPerSecond));
        Assert.Equal("2", page.Find("input[name=MaxConcurrency]").GetAttribute("value"));

        page.Find("input[name=MaxConcurrency]").Change("");
        page.Find("input[name=RateLimitPerSecond]").Change("");
        await page.Find("form").SubmitAsync();

        var saved = (await subscriptions.GetAsync(created.Id))!;
        Assert.Null(saved.MaxConcurrency);
        Assert.Null(saved.RateLimitPerSecond);
    }

    [Fact]
    public async Task Edit_ShowsWhyTheConsoleDisabledIt_AndEnablesItInOneClick()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (created, _) = await subscriptions.CreateAsync(new SubscriptionInput("CRM", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        await using (var db = Engine.Db())
        {
            var stored = await db.Subscriptions.SingleAsync(s => s.Id == created.Id);
            (stored.Enabled, stored.DisabledReason) = (false, "Every delivery failed for 5 days (since 2026-11-17T09:00:00Z), so the console disabled this webhook.");
            await db.SaveChangesAsync();
        }
        var page = Render<WebhookEditPage>(p => p.Add(x => x.Id, created.Id));
        page.WaitForAssertion(() => Assert.Contains("Every delivery failed for 5 days", page.Find("[data-testid=disabled-reason]").TextContent));

        await page.FindAll("[data-testid=disabled-reason] button").Single(b => b.TextContent.Contains("Enable")).ClickAsync();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=disabled-reason]")));
        Assert.True((await subscriptions.GetAsync(created.Id))!.Enabled);
        await page.Find("form").SubmitAsync(); // the form followed: saving keeps it enabled
        Assert.True((await subscriptions.GetAsync(created.Id))!.Enabled);
    }

    [Fact]
    public async Task Save_KeepsASavedHeaderValue_WhenItsBoxIsLeftBlank()
    {
        var subscriptions = Engine.Get<SubscriptionService>();
        var (created, _) = await subscriptions.CreateAsync(new SubscriptionInput("FineGuide", "https://fg.example.com/hook", ["assistant.message"],
            Headers: [new HeaderInput("X-Webhook-Secret", "s3cret-value")]), "ana@example.com");

        var page = Render<WebhookEditPage>(p => p.Add(x => x.Id, created.Id));
        page.WaitForAssertion(() => Assert.Equal("X-Webhook-Secret", page.Find("input[aria-label='Header 1 name']").GetAttribute("value")));
        Assert.DoesNotContain("s3cret-value", page.Markup);
        page.Find("input[name=Name]").Change("FineGuide bot");
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal("FineGuide bot", page.Find("h1").TextContent.Trim()));
        var saved = (await subscriptions.GetAsync(created.Id))!;
        Assert.Equal("FineGuide bot", saved.Name);
        Assert.Equal(("X-Webhook-Secret", "s3cret-value"), Assert.Single(subscriptions.Headers(saved)));
    }
}
