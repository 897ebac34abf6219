using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

[Collection(ConsoleCollection.Name)]
public sealed class AssistantActionsTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task CreateAction_PreviewAndSendInTheTestPanel_ThenSeeTheCallInTheSessionLogs()
    {
        await using var endpoint = await ReceiverProcess.EchoAsync("""{"status":"success","eta":"tomorrow"}""");
        var page = await fixture.NewPageAsync();
        var assistantName = "Store bot " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("settings/assistants");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();

        await page.GetByLabel("New assistant name").FillAsync(assistantName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create assistant" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = assistantName })).ToBeVisibleAsync();
        await page.ScreenshotAsync("30-assistant");
        await page.GetByRole(AriaRole.Button, new() { Name = "New action" }).First.ClickAsync();

        // The action, in seed 001's shape; the body editor says where a mistake is while typing.
        await page.GetByLabel("Action name").FillAsync("Order lookup");
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync(endpoint.Url + "/orders/$order_number");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add header" }).ClickAsync();
        await page.GetByLabel("Header 2 name").FillAsync("X-Session-ID");
        await page.GetByLabel("Header 2 value").FillAsync("$session.id");
        var body = page.GetByRole(AriaRole.Textbox, new() { Name = "Body template" });
        await body.FillAsync("{\n  \"order\": \"$order_number\",\n}");
        await Expect(page.GetByTestId("body-editor")).ToContainTextAsync("line 3, column 1");
        await body.FillAsync("{\n  \"order\": \"$order_number\",\n  \"customer\": \"$customer_name\",\n  \"session\": \"$session.id\"\n}");
        await Expect(page.GetByTestId("body-editor")).ToContainTextAsync("Valid");
        await page.GetByLabel("Response directive").FillAsync("Tell the customer when the order arrives.");
        await page.GetByLabel("Trigger name").FillAsync("lookup_order");
        await page.GetByLabel("Trigger description").FillAsync("When the customer asks where an order is");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Parameters schema" }).FillAsync(
            """{"type": "object", "properties": {"order_number": {"type": "string"}}, "required": ["order_number"]}""");
        await Expect(page.GetByTestId("parameters-editor")).ToContainTextAsync("Valid JSON Schema");
        await page.ScreenshotAsync("31-action-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create action" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/settings/actions/[0-9a-f-]{36}$"));

        // Test panel: sample client_data and arguments (prefilled with the keys the templates use), preview, send.
        var test = page.GetByTestId("action-test");
        await Expect(test.GetByRole(AriaRole.Textbox, new() { Name = "Sample client_data" })).ToHaveValueAsync(new Regex("\"customer_name\""));
        await test.GetByRole(AriaRole.Textbox, new() { Name = "Sample client_data" }).FillAsync("""{"customer_name": "Zoë \"Z\" O'Brien"}""");
        await test.GetByRole(AriaRole.Textbox, new() { Name = "Arguments" }).FillAsync("""{"order_number": "A 1/2"}""");
        await test.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.GetByTestId("request-url")).ToHaveTextAsync(endpoint.Url + "/orders/A%201%2F2");
        await Expect(page.GetByTestId("test-preview")).ToContainTextAsync("gets the test session's id when you send");
        await Expect(page.GetByTestId("request-body")).ToContainTextAsync("Zoë \\\"Z\\\" O'Brien");
        Assert.Empty(endpoint.Requests);
        await page.ScreenshotAsync("32-test-preview");

        await test.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        var result = page.GetByTestId("test-call-result");
        await Expect(result.GetByTestId("call-outcome")).ToHaveTextAsync("HTTP 200");
        await Expect(page.GetByTestId("test-call-response")).ToContainTextAsync("tomorrow");
        await Expect(result).ToContainTextAsync("Tell the customer when the order arrives.");
        await page.ScreenshotAsync("33-test-sent");
        var received = Assert.Single(await endpoint.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("/hook/orders/A%201%2F2", received.GetProperty("path").GetString());
        var sent = JsonDocument.Parse(received.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("Zoë \"Z\" O'Brien", sent.GetProperty("customer").GetString());
        Assert.Equal(received.GetProperty("headers").GetProperty("X-Session-ID").GetString(), sent.GetProperty("session").GetString());

        // The session's logs show the call, with its response and the variables it used.
        await result.GetByRole(AriaRole.Link, new() { Name = "Open the session's logs" }).ClickAsync();
        await Expect(page.GetByTestId("session-id")).ToHaveTextAsync(sent.GetProperty("session").GetString()!);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Order lookup" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("call-outcome")).ToHaveTextAsync("HTTP 200");
        await Expect(row).ToContainTextAsync("POST");
        await row.Locator("td").First.Locator("button").ClickAsync(); // the row's expand toggle (MudDataGrid's hierarchy column)
        await Expect(page.GetByTestId("log-response-body")).ToContainTextAsync("tomorrow");
        await Expect(page.GetByTestId("log-variables")).ToContainTextAsync("A 1/2");
        await page.ScreenshotAsync("34-session-logs");
    }
}
