using Bunit;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Web.Components.Pages.Assistants;

namespace WebhookConsole.Tests.Unit.Components.Assistants;

public sealed class AssistantPageTests : AssistantComponentTest
{
    [Fact]
    public async Task Shows_ItsActions_AndTheWebhooksScopedToIt()
    {
        var assistant = await Engine.Get<AssistantService>().CreateAsync("Clinic bot", Admin);
        await Engine.Get<ActionService>().CreateAsync(new ActionInput(assistant.Id, "Book appointment", "https://api.clinic.example/book", "POST",
            null, "{}", null, true, new TriggerInput("book", "Books", null)), Admin);
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("CRM sync", "https://crm.example.com/hook", ["VARIABLE_UPDATE"],
            AssistantId: assistant.Id.ToString()), Admin);
        await Engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("Other", "https://crm.example.com/other", ["VARIABLE_UPDATE"]), Admin);

        var page = Render<AssistantPage>(p => p.Add(x => x.Id, assistant.Id));

        page.WaitForAssertion(() => Assert.Contains("Book appointment", page.Find("[aria-label=Actions]").TextContent));
        Assert.Contains("POST https://api.clinic.example/book", page.Find("[aria-label=Actions]").TextContent);
        var webhooks = page.Find("[data-testid=assistant-webhooks]").TextContent;
        Assert.Contains("CRM sync", webhooks);
        Assert.DoesNotContain("Other", webhooks);
    }
}
