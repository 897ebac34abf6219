using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Actions;

public sealed class ActionServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private Assistant _assistant = default!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        _assistant = await _engine.Get<AssistantService>().CreateAsync("Store bot", "test");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private ActionInput Input(string url = "https://api.store.com/orders/$order_number/status", string method = "POST", string? body = null,
        ActionHeaderInput[]? headers = null, string triggerName = "check_order", string? parameters = null) =>
        new(_assistant.Id, "Check order", url, method, headers, body, null, true, new TriggerInput(triggerName, "Checks an order", parameters));

    private async Task<IReadOnlyDictionary<string, string[]>> RefusedAsync(ActionInput input) =>
        (await Assert.ThrowsAsync<InvalidInputException>(() => _engine.Get<ActionService>().CreateAsync(input, "test"))).Errors;

    [Fact]
    public async Task Create_AcceptsABodyThatIsJsonOnlyOnceSubstituted()
    {
        const string template = """{"image_url": "$images[0]", "all_images": $images}""";   // $images bare: not JSON until substituted
        var created = await _engine.Get<ActionService>().CreateAsync(Input(body: template), "test");

        // What the store holds (read back, not the object the service returned) is the template itself, never a filled-in copy...
        var stored = await _engine.Get<ActionService>().GetAsync(created.Id);
        Assert.Equal(template, stored!.Body);
        // ...and what it becomes for a session with two images is JSON carrying those images.
        var preview = await _engine.Get<ActionRunner>().PreviewAsync(stored, null, new JsonObject { ["order_number"] = "42" },
            images: ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"]);
        Assert.True(preview.Request.CanSend, string.Join("; ", preview.Request.Problems.SelectMany(p => p.Value)));
        var sent = JsonNode.Parse(preview.Request.Body!)!;
        Assert.Equal("https://cdn.example.com/a.png", (string)sent["image_url"]!);
        Assert.Equal(["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"], sent["all_images"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Create_RefusesABodyThatCannotBecomeJson_AndSaysWhere()
    {
        var errors = await RefusedAsync(Input(body: "{\n  \"title\": \"$issue_title\"\n  \"priority\": \"$priority\"\n}"));

        Assert.StartsWith("The body is not valid JSON, even with every $variable filled in: line 3, column 3: '\"' is invalid after a value. Expected either ',', '}', or ']'.",
            Assert.Single(errors["body"]));
    }

    [Fact]
    public async Task Create_SaysWhatIsWrong_FieldByField()
    {
        var errors = await RefusedAsync(new ActionInput(_assistant.Id, "", "ftp://x", "PATCH",
            [new("X-Custom", "a\nb"), new("Host", "h")], "{}", null, true, new TriggerInput("check order!", "", """{"type": "string"}"""), 99));

        Assert.Equal(["Give the action a name of 1 to 200 characters, e.g. \"Check order status\"."], errors["name"]);
        Assert.Equal(["Enter an absolute http(s) URL, e.g. https://example.com/webhooks."], errors["url"]);
        Assert.Equal(["The method is one of GET, POST, PUT, DELETE."], errors["method"]);
        Assert.Equal(["The value of 'X-Custom' may not contain a line break.", "'Host' is set by the HTTP client itself and cannot be a custom header."], errors["headers"]);
        Assert.StartsWith("The trigger name is the function the assistant's model calls", Assert.Single(errors["trigger.name"]));
        Assert.StartsWith("Describe in up to 1000 characters", Assert.Single(errors["trigger.description"]));
        Assert.Equal(["The parameters describe the arguments object, so their \"type\" must be \"object\" (it is \"string\")."], errors["trigger.parameters"]);
        Assert.Equal(["The timeout must be between 1 and 30 seconds."], errors["timeoutSeconds"]);
    }

    [Fact]
    public async Task Create_RefusesABodyOnGet_AndAVariableBeforeTheHost()
    {
        var errors = await RefusedAsync(Input(url: "$base_url/orders", method: "GET", body: "{}"));

        Assert.Equal(["A GET request carries no body: clear the body, or use POST or PUT."], errors["body"]);
        Assert.StartsWith("$base_url cannot supply the start of the URL", Assert.Single(errors["url"]));
    }

    [Fact]
    public async Task Create_RefusesParametersThatAreNotJson_WithTheirLine()
    {
        var errors = await RefusedAsync(Input(parameters: "{\"type\": \"object\",\n \"properties\": {\"a\": }}"));

        Assert.StartsWith("The parameters are not valid JSON: line 2, column 22:", Assert.Single(errors["trigger.parameters"]));
    }

    [Fact]
    public async Task Create_RefusesASecondActionWithTheSameTrigger()
    {
        await _engine.Get<ActionService>().CreateAsync(Input(), "test");

        var errors = await RefusedAsync(Input());

        Assert.StartsWith("This assistant already has an action triggered by 'check_order'", Assert.Single(errors["trigger.name"]));
    }

    [Fact]
    public async Task Update_KeepsASecretHeaderValue_WhenSentWithoutOne_AndNeverAuditsIt()
    {
        var actions = _engine.Get<ActionService>();
        var created = await actions.CreateAsync(Input(headers: [new("Authorization", "Bearer sk_live_42"), new("X-Trace", "$session.id")]), "test");

        var updated = (await actions.UpdateAsync(created.Id, Input(headers: [new("Authorization", null), new("X-Trace", "$session.id")]) with { Name = "Order status" }, "test"))!;

        Assert.Equal([new("Authorization", "Bearer sk_live_42"), new("X-Trace", "$session.id")], actions.PlainHeaders(updated));
        await using var db = _engine.Db();
        var stored = await db.Set<AssistantAction>().SingleAsync();
        Assert.True(stored.Headers[0].Protected);
        Assert.DoesNotContain("sk_live_42", stored.Headers[0].Value);
        Assert.False(stored.Headers[1].Protected);
        var audit = await db.AuditEntries.Where(a => a.TargetType == "action").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["action.created", "action.updated"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.DoesNotContain("sk_live_42", a.Changes));
    }

    [Fact]
    public async Task Create_RefusesAnUnknownAssistant()
    {
        var errors = await RefusedAsync(Input() with { AssistantId = Guid.NewGuid() });

        Assert.StartsWith("There is no assistant", Assert.Single(errors["assistantId"]));
    }
}
