using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;
using WebhookConsole.Web.Components.Shared;

namespace WebhookConsole.Tests.Unit.Components.Access;

/// <summary>
/// What a person sees when the server refuses a change inside the console's layout (<see cref="PageBoundary"/> wraps every page):
/// the refusal in the page, nothing changed, and a way back, instead of a dead page.
/// </summary>
public sealed class PageBoundaryTests : EngineComponentTest
{
    [Fact]
    public async Task AViewersRefusedChange_SaysSoInThePage_AndBackShowsThePageAgain()
    {
        var (crm, _) = await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", "https://crm.example.com/hooks", ["lead.created"]), Admin);
        await Engine.Get<SubscriptionService>().SetEnabledAsync(crm.Id, false, Admin);
        SignInAsViewer(pagesShowEditControls: true); // a page that got EditAccess wrong: the server still refuses

        var layout = Render<PageBoundary>(p => p.AddChildContent<WebhooksPage>());
        await layout.WaitForElement("button[aria-label='Enable CRM leads']").ClickAsync();

        var refused = layout.WaitForElement("[data-testid=change-refused]");
        Assert.Contains("Nothing was changed", refused.TextContent);
        Assert.Contains("viewer", refused.TextContent);
        Assert.Empty(layout.FindAll("[data-testid=page-error]"));
        await using (var db = Engine.Db())
            Assert.False((await db.Subscriptions.SingleAsync(s => s.Id == crm.Id)).Enabled);

        await layout.Find("[data-testid=back-to-page]").ClickAsync();
        layout.WaitForAssertion(() => Assert.Contains("CRM leads", layout.Find("tbody tr").TextContent));
        Assert.Empty(layout.FindAll("[data-testid=change-refused]"));
    }

    [Fact]
    public void AnyOtherFailureOfAPage_SaysThePageFailed_NotThatAChangeWasRefused()
    {
        var layout = Render<PageBoundary>(p => p.AddChildContent<BrokenPage>());

        layout.Find("button").Click();

        Assert.Contains("This page failed", layout.Find("[data-testid=page-error]").TextContent);
        Assert.Empty(layout.FindAll("[data-testid=change-refused]"));
        Assert.DoesNotContain("broken", layout.Markup); // an internal message is not shown to the person
    }

    /// <summary>A page whose button fails the way a bug would.</summary>
    private sealed class BrokenPage : ComponentBase
    {
        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", EventCallback.Factory.Create(this, () => throw new InvalidOperationException("broken")));
            builder.AddContent(2, "Break");
            builder.CloseElement();
        }
    }
}
