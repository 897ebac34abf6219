using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Actions;

/// <summary>Invoking actions over real HTTP against a receiver on 127.0.0.1, with the real store.</summary>
public sealed class ActionInvokeTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private TestReceiver _receiver = default!;
    private Assistant _assistant = default!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        _receiver = await TestReceiver.StartAsync();
        await _engine.Get<AssistantService>().SetCompanyIdAsync("company-7", "test");
        _assistant = await _engine.Get<AssistantService>().CreateAsync("Clinic bot", "test");
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _engine.DisposeAsync();
    }

    private Task<AssistantAction> ActionAsync(string url, string method = "POST", string? body = null, string? parameters = null,
        ActionHeaderInput[]? headers = null, int timeoutSeconds = 5) =>
        _engine.Get<ActionService>().CreateAsync(new ActionInput(_assistant.Id, "Book appointment", url, method, headers, body,
            "Confirm the appointment to the patient.", true, new TriggerInput("book_appointment", "Books a visit", parameters), timeoutSeconds), "test");

    private Task<AssistantSession> SessionAsync(JsonObject? clientData = null) =>
        _engine.Get<SessionService>().CreateAsync(_assistant.Id, clientData, ["https://cdn.example.com/x-ray.png"]);

    [Fact]
    public async Task Invoke_MergesTheReturnedClientData_TheNextCallUsesIt_AndTheLogHoldsBoth()
    {
        await _engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("variables", _receiver.Url + "/events", ["VARIABLE_UPDATE"], AssistantId: _assistant.Id.ToString()), "test");
        _receiver.Respond = (n, context) => n == 1
            ? context.Response.WriteAsync("""{"status":"success","patient_id":"pat_12345","session":{"client_data":{"patient_id":"pat_12345","patient_name":"Ana Smith"}}}""")
            : context.Response.WriteAsync("""{"status":"booked"}""");
        var action = await ActionAsync(_receiver.Url + "/book?patient=$patient_id",
            body: """{"patient": "$patient_id", "customer": "$customer_name", "day": "$day", "images": $images}""",
            parameters: """{"type":"object","properties":{"day":{"type":"string"}},"required":["day"]}""");
        var session = await SessionAsync(new JsonObject { ["customer_name"] = "Ana \"A\" Smith" });
        var runner = _engine.Get<ActionRunner>();

        var first = await runner.InvokeAsync(session, action, new JsonObject { ["day"] = "2025-02-15" });
        var second = await runner.InvokeAsync((await _engine.Get<SessionService>().GetAsync(session.Id))!, action, new JsonObject { ["day"] = "2025-02-16" });

        // The first call went out with $patient_id unresolved (left as written), and merged what came back.
        Assert.Equal(200, first.Outcome!.StatusCode);
        Assert.Equal("""{"patient_id":"pat_12345","patient_name":"Ana Smith"}""", first.ClientDataMerged!.ToJsonString());
        Assert.Equal("Confirm the appointment to the patient.", first.Directive);
        Assert.Contains("patient_id", first.Request.Unresolved);
        var requests = _receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("$patient_id", JsonNode.Parse(requests[0].Text)!["patient"]!.GetValue<string>());
        // The second call used the merged variable, in the body and in the URL.
        var sent = JsonNode.Parse(requests[1].Text)!;
        Assert.Equal("pat_12345", (string)sent["patient"]!);
        Assert.Equal("Ana \"A\" Smith", (string)sent["customer"]!);
        Assert.Equal("2025-02-16", (string)sent["day"]!);
        Assert.Equal(["https://cdn.example.com/x-ray.png"], sent["images"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("pat_12345", (string)second.VariablesUsed["patient_id"]!);
        var stored = (await _engine.Get<SessionService>().GetAsync(session.Id))!.ClientDataObject();
        Assert.Equal("Ana Smith", (string)stored["patient_name"]!);
        Assert.Equal("Ana \"A\" Smith", (string)stored["customer_name"]!);

        // The session log: both calls, newest first, with status, body, variables and duration.
        var (log, total) = await _engine.Get<SessionService>().LogAsync(session.Id, 0, 10);
        Assert.Equal(2, total);
        Assert.Equal([second.LogEntry.Id, first.LogEntry.Id], log.Select(e => e.Id));
        Assert.All(log, e =>
        {
            Assert.True(e.Sent);
            Assert.Equal(200, e.StatusCode);
            Assert.Equal("POST", e.Method);
            Assert.Equal("Book appointment", e.ActionName);
            Assert.True(e.DurationMs >= 0);
            Assert.Null(e.Error);
        });
        Assert.Equal(_receiver.Url + "/book?patient=pat_12345", log[0].Url);
        Assert.Equal("""{"status":"booked"}""", log[0].ResponseBody);
        Assert.Equal("pat_12345", (string)JsonNode.Parse(log[0].VariablesUsed)!["patient_id"]!);
        Assert.Equal("2025-02-16", (string)JsonNode.Parse(log[0].VariablesUsed)!["day"]!);
        Assert.Contains("patient_name", log[1].ClientDataMerged);

        // The merge is a VARIABLE_UPDATE (seed 003) for the assistant's subscribed webhook.
        await using var db = _engine.Db();
        var delivery = await db.Deliveries.SingleAsync();
        Assert.Equal("session.variables_updated", delivery.EventType);
        var data = JsonNode.Parse(delivery.Body)!["data"]!;
        Assert.Equal("VARIABLE_UPDATE", (string)data["type"]!);
        Assert.Equal(_assistant.Id.ToString(), (string)data["botId"]!);
        Assert.Equal(session.Id.ToString(), (string)data["sessionId"]!);
        Assert.Equal("""{"patient_id":"pat_12345","patient_name":"Ana Smith"}""", data["variables"]!.ToJsonString());
    }

    [Fact]
    public async Task Invoke_SendsTheSecretOnTheWire_ButTheLogAndTheAnswerMaskIt()
    {
        var action = await ActionAsync(_receiver.Url + "/orders/$order?key=$erp_token", method: "GET",
            headers: [new("Authorization", "Bearer $erp_token"), new("X-Session-ID", "$session.id")]);
        var session = await SessionAsync(new JsonObject { ["erp_token"] = "tok_live_9", ["order"] = "A/1" });

        var result = await _engine.Get<ActionRunner>().InvokeAsync(session, action, null);

        var received = Assert.Single(_receiver.Requests);
        Assert.Equal("Bearer tok_live_9", received.Headers["Authorization"]);
        Assert.Equal(session.Id.ToString(), received.Headers["X-Session-ID"]);
        Assert.Equal("/hook/orders/A%2F1", received.Path);
        var entry = result.LogEntry;
        var everything = JsonSerializer.Serialize(entry) + JsonSerializer.Serialize(result.Request) + result.VariablesUsed.ToJsonString();
        Assert.DoesNotContain("tok_live_9", everything);
        Assert.Equal("••••••••", JsonNode.Parse(entry.RequestHeaders)!["Authorization"]!.GetValue<string>());
        Assert.Equal("••••••••", (string)result.VariablesUsed["erp_token"]!);
        Assert.EndsWith("?key=••••••••", entry.Url);
        await using var db = _engine.Db();
        Assert.DoesNotContain("Bearer $erp_token", (await db.Set<AssistantAction>().SingleAsync()).Headers.Select(h => h.Value));
    }

    [Fact]
    public async Task Invoke_RefusesArgumentsThatDoNotMatchTheSchema_SendsNothing_AndLogsWhy()
    {
        var action = await ActionAsync(_receiver.Url, parameters:
            """{"type":"object","properties":{"order_number":{"type":"string","pattern":"^[0-9]+$"}},"required":["order_number"]}""",
            body: """{"order": "$order_number"}""");
        var session = await SessionAsync();

        var missing = await _engine.Get<ActionRunner>().InvokeAsync(session, action, []);
        var wrong = await _engine.Get<ActionRunner>().InvokeAsync(session, action, new JsonObject { ["order_number"] = "12a" });

        Assert.Empty(_receiver.Requests);
        Assert.Equal(["'order_number' is required."], missing.Refused["arguments.order_number"]);
        Assert.Equal(["'order_number' must match the pattern ^[0-9]+$."], wrong.Refused["arguments.order_number"]);
        Assert.False(missing.LogEntry.Sent);
        Assert.Equal("The arguments do not match the trigger's parameters, so nothing was sent: 'order_number' is required.", missing.LogEntry.Error);
    }

    [Fact]
    public async Task Invoke_RefusesAHeaderValueWithALineBreak_SendsNothing()
    {
        var action = await ActionAsync(_receiver.Url, headers: [new("X-Customer", "$customer_name")], body: "{}");
        var session = await SessionAsync(new JsonObject { ["customer_name"] = "Ana\r\nX-Admin: true" });

        var result = await _engine.Get<ActionRunner>().InvokeAsync(session, action, null);

        Assert.Empty(_receiver.Requests);
        Assert.Contains("line break", Assert.Single(result.Refused["headers"]));
        Assert.StartsWith("Nothing was sent: Header 'X-Customer': The value of $customer_name contains a line break", result.LogEntry.Error);
    }

    [Fact]
    public async Task Invoke_DescribesATimeoutInWords()
    {
        _receiver.Respond = async (_, context) => { await Task.Delay(3000, context.RequestAborted); await context.Response.WriteAsync("late"); };
        var action = await ActionAsync(_receiver.Url, body: "{}", timeoutSeconds: 1);

        var result = await _engine.Get<ActionRunner>().InvokeAsync(await SessionAsync(), action, null);

        Assert.Null(result.Outcome!.StatusCode);
        Assert.Equal("timeout: no complete answer within 1 s", result.LogEntry.Error);
        Assert.True(result.LogEntry.Sent);
    }

    [Fact]
    public async Task Invoke_LeavesTheDirectiveOut_WhenTheResponseIsNotInterpreted()
    {
        var action = await _engine.Get<ActionService>().CreateAsync(new ActionInput(_assistant.Id, "Ping", _receiver.Url, "POST", null, "{}",
            "Ignored directive", false, new TriggerInput("ping", "Pings", null)), "test");

        var result = await _engine.Get<ActionRunner>().InvokeAsync(await SessionAsync(), action, null);
        var answer = JsonSerializer.Serialize(WebhookConsole.Web.Api.InvokeDto.From(result), JsonSerializerOptions.Web);

        Assert.Null(result.Directive);
        Assert.DoesNotContain("directive", answer);
        Assert.Contains("\"response\":{\"status\":200,\"body\":{\"ok\":true}}", answer);
    }

    [Fact]
    public async Task Invoke_RefusesAnActionOfAnotherAssistant()
    {
        var other = await _engine.Get<AssistantService>().CreateAsync("Other bot", "test");
        var action = await ActionAsync(_receiver.Url, body: "{}");
        var foreign = await _engine.Get<SessionService>().CreateAsync(other.Id, null, null);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _engine.Get<ActionRunner>().InvokeAsync(foreign, action, null));

        Assert.Contains("belongs to assistant", Assert.Single(e.Errors["actionId"]));
    }

    [Fact]
    public async Task Preview_ShowsTheRequest_WithSampleData_WithoutSendingIt()
    {
        var action = await ActionAsync(_receiver.Url + "/t/$ticket", body: """{"who": "$customer_name", "company": "$company.id", "all": $images}""");

        var preview = await _engine.Get<ActionRunner>().PreviewAsync(action, null, new JsonObject { ["ticket"] = "T 1" },
            new JsonObject { ["customer_name"] = "Zoë" }, ["https://cdn.example.com/1.png"]);

        Assert.Empty(_receiver.Requests);
        Assert.True(preview.CanSend);
        Assert.Equal(_receiver.Url + "/t/T%201", preview.Request.Url);
        Assert.Equal("""{"who": "Zoë", "company": "company-7", "all": ["https://cdn.example.com/1.png"]}""", preview.Request.Body);
        Assert.Equal(["ticket", "customer_name", "company.id", "images"], preview.VariablesUsed.Select(kv => kv.Key));
    }
}
