using System.Text.Json.Nodes;
using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Tests.Unit.Actions;

/// <summary>Each practical example of seed 001 ("Webhook"), as the request the console builds from it.</summary>
public sealed class SeedExampleTests
{
    private static readonly Guid SessionId = Guid.Parse("b8e034be-90d8-477d-b919-8fcfcf37dc10");
    private static readonly Guid AssistantId = Guid.Parse("6434515b-8541-4861-bb24-8acd6e77e8c4");

    private static VariableSet Variables(JsonObject? clientData = null, JsonObject? arguments = null, params string[] images) =>
        ActionVariables.For(SessionId, "company-42", AssistantId, clientData ?? [], arguments ?? [], images);

    private static List<KeyValuePair<string, string>> Headers(params (string Key, string Value)[] headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();

    private static string Header(PreparedRequest request, string key) => request.Headers.Single(h => h.Key == key).Value;

    [Fact]
    public void TriggerArgument_InThePath_IsEncodedAsOneSegment()
    {
        // "Trigger defined with parameter order_number … In the webhook: $order_number"
        var request = ActionRequestBuilder.Build("GET", "https://api.store.com/orders/$order_number/status", [], null,
            Variables(arguments: new JsonObject { ["order_number"] = "A 10/01?x#y" }));

        Assert.True(request.CanSend);
        Assert.Equal("https://api.store.com/orders/A%2010%2F01%3Fx%23y/status", request.Url);
        Assert.Equal(["/", "orders/", "A%2010%2F01%3Fx%23y/", "status"], new Uri(request.Url).Segments);
        Assert.Equal("A 10/01?x#y", Uri.UnescapeDataString(new Uri(request.Url).Segments[2].TrimEnd('/')));
        Assert.Null(request.Body);
    }

    [Fact]
    public void CheckOrderStatus_GetsTheOrder_WithTheTokenInTheAuthorizationHeader()
    {
        var request = ActionRequestBuilder.Build("GET", "https://erp.company.com/api/orders/$order_number",
            Headers(("Authorization", "Bearer $erp_token")), null,
            Variables(clientData: new JsonObject { ["erp_token"] = "tok_123" }, arguments: new JsonObject { ["order_number"] = "10042" }));

        Assert.True(request.CanSend);
        Assert.Equal("GET", request.Method);
        Assert.Equal("https://erp.company.com/api/orders/10042", request.Url);
        Assert.Equal("Bearer tok_123", Header(request, "Authorization"));
        Assert.Equal(["order_number", "erp_token"], request.Used);
        Assert.Empty(request.Unresolved);
    }

    [Fact]
    public void CreateSupportTicket_FillsTheNestedBody_AndTheSessionHeader_ExactlyAsGiven()
    {
        const string body = """
            {
              "title": "$issue_title",
              "description": "$issue_description",
              "priority": "$priority",
              "customer": {
                "name": "$customer_name",
                "email": "$customer_email"
              },
              "origin": {
                "channel": "whatsapp",
                "session": "$session.id",
                "company": "$company.id"
              }
            }
            """;
        var arguments = new JsonObject
        {
            ["issue_title"] = "Printer says \"PC LOAD LETTER\"",
            ["issue_description"] = "Line one\nLine two\twith a tab and a backslash \\ and $priority written in",
            ["priority"] = "high",
            ["customer_name"] = "Zoë O'Brien 😀",
            ["customer_email"] = "zoe@example.com",
        };
        var request = ActionRequestBuilder.Build("POST", "https://helpdesk.company.com/api/tickets",
            Headers(("Authorization", "Bearer $helpdesk_api_key"), ("X-Session-ID", "$session.id")), body,
            Variables(clientData: new JsonObject { ["helpdesk_api_key"] = "hk_1" }, arguments: arguments));

        Assert.True(request.CanSend, string.Join(" ", request.Problems.SelectMany(p => p.Value)));
        Assert.Equal(SessionId.ToString(), Header(request, "X-Session-ID"));
        Assert.Equal("Bearer hk_1", Header(request, "Authorization"));
        Assert.Equal("application/json", Header(request, "Content-Type"));
        var sent = JsonNode.Parse(request.Body!)!;
        Assert.Equal("Printer says \"PC LOAD LETTER\"", (string)sent["title"]!);
        Assert.Equal("Line one\nLine two\twith a tab and a backslash \\ and $priority written in", (string)sent["description"]!);
        Assert.Equal("high", (string)sent["priority"]!);
        Assert.Equal("Zoë O'Brien 😀", (string)sent["customer"]!["name"]!);
        Assert.Equal("zoe@example.com", (string)sent["customer"]!["email"]!);
        Assert.Equal("whatsapp", (string)sent["origin"]!["channel"]!);
        Assert.Equal(SessionId.ToString(), (string)sent["origin"]!["session"]!);
        Assert.Equal("company-42", (string)sent["origin"]!["company"]!);
    }

    [Fact]
    public void AnalyzeImage_PutsTheFirstImageInAString_AndAllImagesAsAJsonArray()
    {
        const string body = """
            {
              "image_url": "$images[0]",
              "all_images": $images,
              "session_ref": "$session.id"
            }
            """;
        string[] images = ["https://cdn.example.com/a.jpg?size=large&v=2", "https://cdn.example.com/b \"quoted\".png"];
        var request = ActionRequestBuilder.Build("POST", "https://api.vision.company.com/analyze",
            Headers(("Authorization", "Bearer $vision_api_key")), body,
            Variables(clientData: new JsonObject { ["vision_api_key"] = "v_1" }, images: images));

        Assert.True(request.CanSend, string.Join(" ", request.Problems.SelectMany(p => p.Value)));
        var sent = JsonNode.Parse(request.Body!)!;
        Assert.Equal(images[0], (string)sent["image_url"]!);
        Assert.Equal(images, sent["all_images"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.Equal(SessionId.ToString(), (string)sent["session_ref"]!);
        Assert.Equal(["vision_api_key", "images[0]", "images", "session.id"], request.Used);
    }

    [Fact]
    public void LongestNameFirst_SessionIdWinsOverSession()
    {
        // Seed 001: variables $session_id (10 chars) and $session (7 chars).
        var variables = VariableSet.From([new("session_id", "S-42"), new("session", "SESSION")]);

        var result = TemplateSubstitution.Substitute("Session: $session_id: company: $session.company", TemplateContext.TextBody, variables);

        Assert.Equal("Session: S-42: company: SESSION.company", result.Text);
        Assert.Equal(["session_id", "session"], result.Used);
        Assert.Empty(result.Unresolved);
    }

    [Fact]
    public void ClientDataOfTheCurlExample_BecomesVariables()
    {
        // curl -X PUT /session/{id} -F 'client_data={"user_id":"usr_999","plan":"enterprise"}' → $user_id, $plan
        var clientData = JsonNode.Parse("""{"user_id":"usr_999","plan":"enterprise"}""")!.AsObject();

        var request = ActionRequestBuilder.Build("POST", "https://crm.example.com/users/$user_id", [], """{"plan": "$plan"}""",
            Variables(clientData: clientData));

        Assert.Equal("https://crm.example.com/users/usr_999", request.Url);
        Assert.Equal("enterprise", (string)JsonNode.Parse(request.Body!)!["plan"]!);
    }
}
