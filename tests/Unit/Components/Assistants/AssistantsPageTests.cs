using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Web.Components.Pages.Assistants;

namespace WebhookConsole.Tests.Unit.Components.Assistants;

public sealed class AssistantsPageTests : AssistantComponentTest
{
    [Fact]
    public async Task Create_OpensTheNewAssistant()
    {
        var page = Render<AssistantsPage>();
        page.WaitForElement("[data-testid=empty-state]");

        page.Find("input[name=AssistantName]").Change("Support bot");
        await page.FindAll("form")[1].SubmitAsync();

        var created = Assert.Single(await Engine.Get<AssistantService>().ListAsync());
        Assert.Equal("Support bot", created.Name);
        Assert.EndsWith($"/settings/assistants/{created.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task CompanyId_IsSaved()
    {
        var page = Render<AssistantsPage>();
        page.WaitForElement("input[name=CompanyId]");

        page.Find("input[name=CompanyId]").Change("acme-42");
        await page.FindAll("form")[0].SubmitAsync();

        Assert.Equal("acme-42", await Engine.Get<AssistantService>().GetCompanyIdAsync());
    }
}
