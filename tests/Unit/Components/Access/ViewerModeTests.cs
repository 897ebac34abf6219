using Bunit;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Access;
using WebhookConsole.Web.Components.Pages.Settings;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Access;

/// <summary>A viewer sees the pages without their edit controls, and a change asked for anyway is refused on the server.</summary>
public sealed class ViewerModeTests : EngineComponentTest
{
    private async Task<WebhookSubscription> DisabledWebhookAsync()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        await Engine.Get<SubscriptionService>().SetEnabledAsync(crm.Id, false, Admin);
        return crm;
    }

    [Fact]
    public async Task WebhooksPage_ShowsAViewerNoEditControl_ButTheWebhook()
    {
        await DisabledWebhookAsync();
        SignInAsViewer();

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("CRM leads", page.Find("tbody tr").TextContent));
        Assert.Empty(page.FindAll("[data-testid^=edit-]"));
        Assert.Empty(page.FindAll("button[aria-label='Enable CRM leads']"));
        Assert.Empty(page.FindAll("input[type=checkbox]")); // the enabled switch
    }

    [Fact]
    public async Task WebhookEditPage_ShowsAViewerTheSettingsReadOnly_WithoutSaveRotateTestOrDelete()
    {
        var crm = await DisabledWebhookAsync();
        SignInAsViewer();

        var page = Render<WebhookEditPage>(p => p.Add(x => x.Id, crm.Id));

        page.WaitForAssertion(() => Assert.Equal("https://crm.example.com/hooks", page.Find("input[name=Url]").GetAttribute("value")));
        Assert.True(page.Find("input[name=Url]").HasAttribute("readonly"));
        Assert.Empty(page.FindAll("[data-testid^=edit-]"));
        Assert.Empty(page.FindAll("[data-testid=send-test]"));
        Assert.DoesNotContain("Rotate secret", page.Markup);
        Assert.DoesNotContain("Delete webhook", page.Markup);
    }

    [Fact]
    public async Task AnAdmin_SeesTheSameControls()
    {
        var crm = await DisabledWebhookAsync();

        var list = Render<WebhooksPage>();
        var edit = Render<WebhookEditPage>(p => p.Add(x => x.Id, crm.Id));

        list.WaitForAssertion(() => Assert.NotEmpty(list.FindAll("[data-testid=edit-enabled]")));
        Assert.NotEmpty(list.FindAll("button[aria-label='Enable CRM leads']"));
        edit.WaitForAssertion(() => Assert.NotEmpty(edit.FindAll("[data-testid=edit-save]")));
        Assert.NotEmpty(edit.FindAll("[data-testid=edit-rotate-secret]"));
        Assert.NotEmpty(edit.FindAll("[data-testid=edit-delete]"));
    }

    [Fact]
    public async Task AChangeAskedForByAViewer_IsRefusedOnTheServer_EvenWhenThePageShowedTheControl()
    {
        var crm = await DisabledWebhookAsync();
        SignInAsViewer(pagesShowEditControls: true); // a page that got EditAccess wrong

        var page = Render<WebhooksPage>();
        var enable = page.WaitForElement("button[aria-label='Enable CRM leads']");
        var refused = await Assert.ThrowsAsync<ChangeRefusedException>(() => enable.ClickAsync());

        Assert.Contains("viewer", refused.Message);
        await using var db = Engine.Db();
        Assert.False((await db.Subscriptions.SingleAsync(s => s.Id == crm.Id)).Enabled);
    }

    [Fact]
    public async Task ApiKeysPage_ShowsEachKeysScope_AndAViewerNeitherCreateNorRevoke()
    {
        await Engine.Get<WebhookConsole.Engine.Access.ApiKeyService>().CreateAsync("CI publish", Admin, "publish");
        SignInAsViewer();

        var page = Render<ApiKeys>();

        page.WaitForAssertion(() => Assert.Equal("publish", page.Find("[data-testid=key-scope-chip]").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid^=edit-]"));
        Assert.Empty(page.FindAll("input[name=KeyName]"));
    }
}
