using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Web.Components.Pages.Assistants;

namespace WebhookConsole.Tests.Unit.Components.Assistants;

public sealed class ActionEditPageTests : AssistantComponentTest
{
    private async Task<Assistant> AssistantAsync() => await Engine.Get<AssistantService>().CreateAsync("Store bot", Admin);

    private static void Fill(IRenderedComponent<ActionEditPage> page, string body)
    {
        page.Find("input[name=Name]").Change("Order status");
        page.Find("input[name=Url]").Change("https://api.store.com/orders/$order_number/status");
        page.Find("input[name=TriggerName]").Change("check_order");
        page.Find("textarea[name=TriggerDescription]").Change("When the customer asks about an order");
        page.Find("textarea[aria-label='Body template']").Input(body);
    }

    [Fact]
    public async Task BodyEditor_SaysWhereTheTemplateIsNotJson_AsYouType_AndSaveStoresNothing()
    {
        var assistant = await AssistantAsync();
        var page = Render<ActionEditPage>(p => p.Add(x => x.AssistantId, assistant.Id));
        page.WaitForElement("input[name=Name]");

        Fill(page, "{\n  \"order\": \"$order_number\"\n  \"all\": $images\n}");

        // MudBlazor applies an input asynchronously: the status follows on a later render.
        page.WaitForAssertion(() => Assert.StartsWith("The body is not valid JSON, even with every $variable filled in: line 3, column 3:",
            page.Find("[data-testid=body-editor] [data-json-status]").TextContent));
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("line 3, column 3", page.Find("[data-field-error=body]").TextContent));
        Assert.Contains("line 3, column 3", page.Find("[role=alert]").TextContent);
        Assert.Empty(await Engine.Get<ActionService>().ListAsync());
    }

    [Fact]
    public async Task Create_StoresTheAction_AndOpensItWithTheTestPanel()
    {
        var assistant = await AssistantAsync();
        var page = Render<ActionEditPage>(p => p.Add(x => x.AssistantId, assistant.Id));
        page.WaitForElement("input[name=Name]");
        Fill(page, """{"order": "$order_number", "all_images": $images}""");

        await page.Find("form").SubmitAsync();

        var stored = Assert.Single(await Engine.Get<ActionService>().ListAsync(assistant.Id));
        Assert.Equal("""{"order": "$order_number", "all_images": $images}""", stored.Body);
        Assert.Equal("POST", stored.Method);
        Assert.EndsWith($"/settings/actions/{stored.Id}", Services.GetRequiredService<NavigationManager>().Uri);
        page.WaitForElement("[data-testid=action-test]");
    }

    [Fact]
    public async Task TestPanel_PreviewsTheEncodedRequest_WithoutSending()
    {
        var assistant = await AssistantAsync();
        var action = await Engine.Get<ActionService>().CreateAsync(new ActionInput(assistant.Id, "Order status",
            "https://api.store.com/orders/$order_number/status", "GET", [new("Authorization", "Bearer $erp_token")], null, null, true,
            new TriggerInput("check_order", "Checks", """{"type":"object","properties":{"order_number":{"type":"string"}}}""")), Admin);
        var page = Render<ActionEditPage>(p => p.Add(x => x.Id, action.Id));
        page.WaitForElement("[data-testid=action-test]");

        // The samples start with the trigger's parameters and the client_data keys the templates use (names only, never a secret value).
        Assert.Contains("\"order_number\": \"\"", page.Find("textarea[aria-label=Arguments]").GetAttribute("value"));
        Assert.Contains("\"erp_token\": \"\"", page.Find("textarea[aria-label='Sample client_data']").GetAttribute("value"));
        page.Find("textarea[aria-label='Sample client_data']").Input("""{"erp_token": "tok_1"}""");
        page.Find("textarea[aria-label=Arguments]").Input("""{"order_number": "A/1?x"}""");
        // Both inputs applied (MudBlazor does so asynchronously) before Preview reads them.
        page.WaitForAssertion(() => Assert.Contains("A/1?x", page.Find("textarea[aria-label=Arguments]").GetAttribute("value")));
        page.WaitForAssertion(() => Assert.Contains("tok_1", page.Find("textarea[aria-label='Sample client_data']").GetAttribute("value")));
        await page.FindAll("button").Single(b => b.TextContent.Contains("Preview")).ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("https://api.store.com/orders/A%2F1%3Fx/status", page.Find("[data-testid=request-url]").TextContent));
        Assert.Contains("••••••••", page.Find("[data-testid=test-preview]").TextContent);
        Assert.DoesNotContain("tok_1", page.Find("[data-testid=test-preview]").TextContent);
        Assert.Empty((await Engine.Get<WebhookConsole.Engine.Sessions.SessionService>().ListAsync(null, 0, 10)).Items);
    }
}
