using System.Net;
using System.Text;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

[Collection(ConsoleCollection.Name)]
public sealed class InboundTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task CreateInbound_CopyItsUrl_PostToIt_SeeItLive_GetSchema_MapThreeFields_Save_SeeTheContact()
    {
        var page = await fixture.NewPageAsync();
        var name = "SaleAssist " + Guid.NewGuid().ToString("N")[..6];
        var phone = Inbound.UniquePhone();
        await page.GotoAsync("settings/inbound");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();

        // Create: the console generates the URL, shown with a copy button and a curl example.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create inbound webhook" }).ClickAsync();
        var shownUrl = page.GetByTestId("inbound-url");
        await Expect(shownUrl).ToContainTextAsync("/in/");
        await Expect(page.GetByTestId("curl-example")).ToContainTextAsync("curl -X POST");
        await Expect(page.GetByText("No requests yet.")).ToBeVisibleAsync();
        await page.ScreenshotAsync("20-inbound-created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy URL" }).ClickAsync();
        await Expect(page.GetByText("Copied to the clipboard").Last).ToBeVisibleAsync();
        var url = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(await shownUrl.TextContentAsync(), url);

        // An external system posts the seed-004 lead: the request appears in the log without a reload.
        using var sender = new HttpClient();
        var posted = await sender.PostAsync(url, new StringContent(Inbound.Lead(phone, $"{phone[1..]}@example.com"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "accepted" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("202");
        await Expect(row).ToContainTextAsync("unmapped"); // no mapping yet: kept in the log only
        await page.ScreenshotAsync("21-inbound-request-live");

        // Its detail, then Get Schema: the fields of the payload as a tree.
        await row.GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(page.GetByTestId("request-detail")).ToContainTextAsync("people_detail");
        await page.ScreenshotAsync("22-inbound-request-detail");
        await page.GetByRole(AriaRole.Button, new() { Name = "Get Schema" }).ClickAsync();
        var tree = page.GetByRole(AriaRole.Tree, new() { Name = "Fields of the sample" });
        await Expect(tree).ToBeVisibleAsync();

        // Map three fields with one click each; the targets are guessed from their names.
        foreach (var field in (string[])["name", "mobile_number", "email"])
            await tree.GetByRole(AriaRole.Button, new() { Name = "payload.people_detail." + field, Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("mapping-rows").Locator(".mapping-row")).ToHaveCountAsync(3);
        await Expect(page.GetByLabel("Target for payload.people_detail.mobile_number")).ToHaveValueAsync("contact.phone");
        var preview = page.GetByTestId("preview-contact");
        await Expect(preview).ToContainTextAsync("Prakash Mudhaliyar");
        await Expect(preview).ToContainTextAsync(phone);
        await page.ScreenshotAsync("23-mapping-three-fields");

        // Save: the inbound webhook uses the mapping and the request goes through it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save mapping" }).ClickAsync();
        await Expect(page.GetByTestId("apply-result")).ToContainTextAsync("Created contact Prakash Mudhaliyar");
        await page.ScreenshotAsync("24-mapping-saved");

        // The contact is there, with its source.
        await page.GetByRole(AriaRole.Link, new() { Name = "Open contacts" }).ClickAsync();
        var contact = page.GetByRole(AriaRole.Row).Filter(new() { HasText = phone });
        await Expect(contact).ToHaveCountAsync(1);
        await Expect(contact).ToContainTextAsync("Prakash Mudhaliyar");
        await Expect(contact).ToContainTextAsync("inbound: " + name);
        await page.ScreenshotAsync("25-contacts");

        // The inbound webhook now uses the mapping.
        await page.GetByRole(AriaRole.Link, new() { Name = "Inbound", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync(name + " mapping");
        await page.ScreenshotAsync("26-inbound-list");
    }
}
