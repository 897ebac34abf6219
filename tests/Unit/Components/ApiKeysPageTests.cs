using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Access;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Settings;

namespace WebhookConsole.Tests.Unit.Components;

public sealed class ApiKeysPageTests : EngineComponentTest
{

    [Fact]
    public void ShowsWhatToDo_WhenThereAreNoKeys()
    {
        var page = Render<ApiKeys>();

        page.WaitForAssertion(() => Assert.Contains("No API keys yet", page.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public async Task Create_ShowsTheKeyOnce_ThenOnlyItsPrefix()
    {
        var page = Render<ApiKeys>();
        page.Find("input[name=KeyName]").Change("CRM sync");
        await page.Find("form").SubmitAsync();

        var shown = page.WaitForElement("[data-testid=new-key-value]").TextContent;
        Assert.StartsWith("wc_", shown);
        Assert.NotNull(await Engine.Get<ApiKeyService>().AuthenticateAsync(shown));
        Assert.Contains("CRM sync", page.Find("table").TextContent);

        var revisit = Render<ApiKeys>();
        revisit.WaitForAssertion(() => Assert.Contains(shown[..10] + "…", revisit.Find("table").TextContent));
        Assert.DoesNotContain(shown, revisit.Markup);
        Assert.Empty(revisit.FindAll("[data-testid=new-key-value]"));
    }

    [Fact]
    public async Task Create_AsksForAName_WhenNoneIsGiven()
    {
        var page = Render<ApiKeys>();
        await page.Find("form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Give the key a name", page.Markup));
        Assert.Empty(await Engine.Get<ApiKeyService>().ListAsync());
    }
}
