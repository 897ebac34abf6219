using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Assistants, sessions and webhook actions through the real API, calling a real endpoint.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AssistantActionsApiTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task SeedTicketAction_FromSessionFormUpdate_ThroughPreviewAndInvoke_ToTheSessionLogAndHub()
    {
        using var client = App.Client();
        await using var endpoint = await ReceiverProcess.EchoAsync(
            """{"status":"success","ticket":"T-77","session":{"client_data":{"ticket_id":"T-77"}}}""");
        var assistant = await JsonAsync(await client.PostAsJsonAsync("api/v1/assistants", new { name = "Helpdesk " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var assistantId = assistant.GetProperty("id").GetString();

        // Seed 001's "Create support ticket", body as a JSON object, with a trigger whose parameters are JSON Schema.
        var action = await JsonAsync(await client.PostAsJsonAsync($"api/v1/assistants/{assistantId}/actions", new
        {
            type = "WEBHOOK",
            name = "Create support ticket",
            url = endpoint.Url + "/tickets/$plan",
            method = "POST",
            headers = new[] { new { key = "Authorization", value = "Bearer $helpdesk_api_key" }, new { key = "X-Session-ID", value = "$session.id" } },
            body = new { title = "$issue_title", customer = new { name = "$customer_name", user = "$user_id" }, origin = new { session = "$session.id" } },
            responseDirective = "Confirm the created ticket number to the customer.",
            trigger = new
            {
                name = "create_ticket", description = "Creates a support ticket",
                parameters = new { type = "object", properties = new { issue_title = new { type = "string" } }, required = new[] { "issue_title" } },
            },
        }), HttpStatusCode.Created);
        var actionId = action.GetProperty("id").GetString();
        Assert.Equal("••••••••", action.GetProperty("headers")[0].GetProperty("value").GetString());

        var session = await JsonAsync(await client.PostAsJsonAsync("api/v1/sessions", new
        {
            assistantId, clientData = new { customer_name = "Zoë \"Z\" O'Brien", helpdesk_api_key = "hk_secret_1" },
        }), HttpStatusCode.Created);
        var sessionId = session.GetProperty("id").GetString();

        // curl -X PUT /session/{id} -F 'client_data={"user_id":"usr_999","plan":"enterprise"}'
        using var form = new MultipartFormDataContent { { new StringContent("""{"user_id":"usr_999","plan":"enterprise plan/2"}"""), "client_data" } };
        var updated = await JsonAsync(await client.PutAsync($"api/v1/sessions/{sessionId}", form), HttpStatusCode.OK);
        Assert.Equal("usr_999", updated.GetProperty("clientData").GetProperty("user_id").GetString());
        Assert.Equal("Zoë \"Z\" O'Brien", updated.GetProperty("clientData").GetProperty("customer_name").GetString());

        var preview = await JsonAsync(await client.PostAsJsonAsync($"api/v1/actions/{actionId}/preview", new
        {
            sessionId, arguments = new { issue_title = "Printer\n\"on fire\"" },
        }), HttpStatusCode.OK);
        Assert.Equal(endpoint.Url + "/tickets/enterprise%20plan%2F2", preview.GetProperty("url").GetString());
        Assert.True(preview.GetProperty("canSend").GetBoolean());
        Assert.Equal("Printer\n\"on fire\"", JsonDocument.Parse(preview.GetProperty("body").GetString()!).RootElement.GetProperty("title").GetString());
        Assert.Equal("••••••••", preview.GetProperty("variablesUsed").GetProperty("helpdesk_api_key").GetString());
        Assert.Empty(endpoint.Requests);

        await using var hub = await HubListener.ConnectAsync(new Uri(App.BaseAddress, "hubs/deliveries"),
            new Dictionary<string, string> { ["X-Api-Key"] = ConsoleApp.BootstrapKey });

        var refused = await client.PostAsJsonAsync($"api/v1/sessions/{sessionId}/actions/{actionId}/invoke", new { arguments = new { } });
        var problem = await JsonAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("'issue_title' is required.", problem.GetProperty("errors").GetProperty("arguments.issue_title")[0].GetString());

        var invoked = await JsonAsync(await client.PostAsJsonAsync($"api/v1/sessions/{sessionId}/actions/{actionId}/invoke", new
        {
            arguments = new { issue_title = "Printer\n\"on fire\"" },
        }), HttpStatusCode.OK);

        Assert.Equal(200, invoked.GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal("T-77", invoked.GetProperty("response").GetProperty("body").GetProperty("ticket").GetString());
        Assert.Equal("Confirm the created ticket number to the customer.", invoked.GetProperty("directive").GetString());
        Assert.Equal("T-77", invoked.GetProperty("clientDataMerged").GetProperty("ticket_id").GetString());
        Assert.True(invoked.GetProperty("durationMs").GetInt32() >= 0);

        // What the endpoint received: exact values, the real token, the session header.
        var received = Assert.Single(await endpoint.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal("/hook/tickets/enterprise%20plan%2F2", received.GetProperty("path").GetString());
        Assert.Equal("Bearer hk_secret_1", received.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal(sessionId, received.GetProperty("headers").GetProperty("X-Session-ID").GetString());
        var sent = JsonDocument.Parse(received.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("Printer\n\"on fire\"", sent.GetProperty("title").GetString());
        Assert.Equal("Zoë \"Z\" O'Brien", sent.GetProperty("customer").GetProperty("name").GetString());
        Assert.Equal("usr_999", sent.GetProperty("customer").GetProperty("user").GetString());
        Assert.Equal(sessionId, sent.GetProperty("origin").GetProperty("session").GetString());

        var announced = await hub.WaitForAsync("SessionLogAdded", m => m.GetProperty("sessionId").GetString() == sessionId
            && m.GetProperty("statusCode").ValueKind == JsonValueKind.Number, TimeSpan.FromSeconds(10));
        Assert.Equal(200, announced.GetProperty("statusCode").GetInt32());
        Assert.Equal(actionId, announced.GetProperty("actionId").GetString());

        var log = await JsonAsync(await client.GetAsync($"api/v1/sessions/{sessionId}/logs"), HttpStatusCode.OK);
        Assert.Equal(2, log.GetArrayLength());
        Assert.Equal(200, log[0].GetProperty("status").GetInt32());
        Assert.Equal("T-77", log[0].GetProperty("responseBody").GetProperty("ticket").GetString());
        Assert.Equal("••••••••", log[0].GetProperty("variablesUsed").GetProperty("helpdesk_api_key").GetString());
        Assert.False(log[1].GetProperty("sent").GetBoolean());
        Assert.DoesNotContain("hk_secret_1", log.ToString());

        var after = await JsonAsync(await client.GetAsync($"api/v1/sessions/{sessionId}"), HttpStatusCode.OK);
        Assert.Equal("T-77", after.GetProperty("clientData").GetProperty("ticket_id").GetString());
    }

    [Fact]
    public async Task ActionErrors_AreProblemsAPersonCanActOn()
    {
        using var client = App.Client();
        var assistant = await JsonAsync(await client.PostAsJsonAsync("api/v1/assistants", new { name = "Errors bot" }), HttpStatusCode.Created);

        var response = await client.PostAsJsonAsync("api/v1/actions", new
        {
            assistantId = assistant.GetProperty("id").GetString(), name = "Broken", url = "https://api.example.com/x", method = "POST",
            body = "{\n  \"a\": $a\n  \"b\": 1\n}", trigger = new { name = "broken", description = "x" },
        });
        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The action was not saved", problem.GetProperty("title").GetString());
        Assert.StartsWith("The body is not valid JSON, even with every $variable filled in: line 3, column 3:",
            problem.GetProperty("errors").GetProperty("body")[0].GetString());

        var missing = await client.PostAsync($"api/v1/sessions/{Guid.NewGuid()}/actions/{Guid.NewGuid()}/invoke",
            new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal("No such session", (await JsonAsync(missing, HttpStatusCode.NotFound)).GetProperty("title").GetString());

        var openApi = await client.GetStringAsync("openapi/v1.json");
        Assert.Contains("/api/v1/sessions/{id}/actions/{actionId}/invoke", openApi);
        Assert.Contains("/api/v1/actions/{id}/preview", openApi);
        Assert.Contains("multipart/form-data", openApi);
    }
}
