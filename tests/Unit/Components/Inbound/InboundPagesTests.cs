using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Inbound;
using WebhookConsole.Web.Components.Pages.Mappings;
using static WebhookConsole.Tests.Unit.Fakes.InboundHelpers;

namespace WebhookConsole.Tests.Unit.Components.Inbound;

public sealed class InboundPagesTests : EngineComponentTest
{
    [Fact]
    public async Task EditPage_ShowsTheUrl_AndARequestAppears_WhenTheFeedSaysOneArrived()
    {
        var (webhook, token) = await Engine.CreateInboundAsync();
        var page = Render<InboundEditPage>(p => p.Add(x => x.Id, webhook.Id));
        page.WaitForAssertion(() => Assert.EndsWith("/in/" + token, page.Find("[data-testid=inbound-url]").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Contains("No requests yet", page.Markup));

        var receipt = await Engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.AsPrinted));
        InboundFeed.RequestChanged(new InboundRequestChanged(receipt.RequestId!.Value, webhook.Id, 400, "malformed", "none", Engine.Time.GetUtcNow()));

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr"));
            Assert.Contains("400", row.TextContent);
            Assert.Contains("line 143, column 11", row.TextContent);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Settings_HmacWithoutASecret_ShowsTheEnginesMessage_GenerateFillsOne_AndSaveMasksIt()
    {
        var (webhook, _) = await Engine.CreateInboundAsync();
        var page = Render<InboundEditPage>(p => p.Add(x => x.Id, webhook.Id));
        page.WaitForElement("[data-testid=inbound-settings]");

        await page.ChooseRadioAsync("Verification", InboundVerification.HmacSha256);
        await page.Find("[data-testid=inbound-settings] form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("Enter the signing secret", page.Find("[data-field-error=secret]").TextContent));

        page.FindAll("button").First(b => b.TextContent.Contains("Generate")).Click();
        var secret = page.Find("input[name=Secret]").GetAttribute("value")!;
        Assert.StartsWith("whsec_", secret);
        await page.Find("[data-testid=inbound-settings] form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Saved: ••••••••" + secret[^4..], page.Find("[data-testid=saved-secret]").TextContent));
        Assert.Equal("", page.Find("input[name=Secret]").GetAttribute("value") ?? "");
        var saved = (await Engine.Get<InboundWebhookService>().GetAsync(webhook.Id))!;
        Assert.Equal(InboundVerification.HmacSha256, saved.Verification);
        Assert.Equal(secret, Engine.Get<InboundWebhookService>().Settings(saved).Secret);
        Assert.DoesNotContain(secret, page.Markup);
    }

    [Fact]
    public async Task MappingEditor_FromARequest_PicksThreeFields_Saves_AndQueuesTheRequestWithIt()
    {
        var (webhook, token) = await Engine.CreateInboundAsync();
        var receipt = await Engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        await Engine.Get<InboundProcessor>().ProcessPendingAsync(); // unmapped: kept in the log only

        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameter("requestId", receipt.RequestId!.Value.ToString()));
        var page = Render<MappingEditPage>();
        page.WaitForElement("[data-testid=schema-tree]");
        foreach (var field in (string[])["name", "mobile_number", "email"])
            page.Find($"button[aria-label='payload.people_detail.{field}']").Click();

        page.WaitForAssertion(() => Assert.Contains("+910987654321", page.Find("[data-testid=preview-contact]").TextContent));
        page.FindAll("button").First(b => b.TextContent.Contains("Save mapping")).Click();

        page.WaitForAssertion(() => Assert.Matches("/settings/mappings/[0-9a-f-]{36}", nav.Uri)); // the page became the saved mapping's
        var mapping = Assert.Single(await Engine.Get<MappingService>().ListAsync());
        Assert.Equal(["contact.name", "contact.phone", "contact.email"], mapping.Fields.Select(f => f.Target));
        Assert.Equal("SaleAssist leads mapping", mapping.Name);
        Assert.Equal(mapping.Id, (await Engine.Get<InboundWebhookService>().GetAsync(webhook.Id))!.MappingId);
        Assert.Equal(InboundProcessing.Pending, (await Engine.Get<InboundRequestLog>().GetAsync(receipt.RequestId!.Value))!.Processing);
        Assert.EndsWith($"/settings/mappings/{mapping.Id}?requestId={receipt.RequestId}", nav.Uri);
    }

    [Fact]
    public void SchemaTree_CollapsesAnObject_AndFiltersByPath()
    {
        var fields = SchemaExtractor.Extract(System.Text.Json.Nodes.JsonNode.Parse(Seed004.Lead));
        var tree = Render<SchemaTree>(p => p.Add(x => x.Fields, fields));
        Assert.NotEmpty(tree.FindAll("button[aria-label='payload.people_detail.email']"));

        tree.Find("button[aria-label='Collapse payload.people_detail']").Click();
        Assert.Empty(tree.FindAll("button[aria-label='payload.people_detail.email']"));

        tree.Find("input[aria-label='Filter fields']").Input("mobile");
        Assert.Equal(["payload.people_detail.mobile_number"], tree.FindAll("button.schema-pick").Select(b => b.GetAttribute("aria-label")));
    }
}
