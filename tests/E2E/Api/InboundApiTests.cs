using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary><c>POST /in/{token}</c> on the real console over HTTP: verification, refusals, the raw log, deduplication, mapping to contacts.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class InboundApiTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;
    private static readonly HttpClient Sender = new(); // an external system: no API key

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PostAsync(string url, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(body) };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return await Sender.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task NoVerification_TheUrlIsTheCredential_AWrongTokenGets404()
    {
        using var api = App.Client();
        var (id, url, _) = await Inbound.CreateAsync(api, "plain " + Guid.NewGuid().ToString("N")[..6]);

        var accepted = await PostAsync(url, """{"name":"Ana"}""");
        var wrong = await PostAsync(url[..^4] + "AAAA", """{"name":"Ana"}""");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var requestId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Equal(requestId, Assert.Single(await Inbound.RequestsAsync(api, id)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task HeaderToken_AcceptsTheToken_RefusesAnother_AndLogsBothMasked()
    {
        using var api = App.Client();
        var (id, url, token) = await Inbound.CreateAsync(api, "token", new { mode = "header_token", header = "X-Shop-Token" });

        var accepted = await PostAsync(url, "{}", ("X-Shop-Token", token!));
        var refused = await PostAsync(url, "{}", ("X-Shop-Token", token + "x"));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("does not hold the expected token", (await ProblemAsync(refused)).GetProperty("detail").GetString());
        var log = await Inbound.RequestsAsync(api, id);
        Assert.Equal(["unauthorized", "accepted"], log.Select(r => r.GetProperty("outcome").GetString()));
        Assert.All(log, r => Assert.Equal("••••••••", r.GetProperty("headers").GetProperty("X-Shop-Token").GetString()));
        Assert.DoesNotContain(token!, JsonSerializer.Serialize(log));
    }

    [Fact]
    public async Task HmacOfTheRawBody_Seed002Scheme_AcceptsTheRightSignature_RefusesAWrongOne()
    {
        using var api = App.Client();
        var (_, url, secret) = await Inbound.CreateAsync(api, "hmac", new { mode = "hmac_sha256" });
        const string body = "{\"name\": \"José\",\n \"phone\": \"+521234567890\"}";
        // Seed 002's verifier, the other way round: hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), Encoding.UTF8.GetBytes(body)));

        var accepted = await PostAsync(url, body, ("X-Webhook-Signature", hex));
        var tampered = await PostAsync(url, body.Replace("José", "Jose"), ("X-Webhook-Signature", hex));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Contains("not the hex HMAC-SHA256", (await ProblemAsync(tampered)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StandardWebhooks_SignedByTheOfficialLibrary_AcceptedWithinFiveMinutes_RefusedOlderOrWrong()
    {
        using var api = App.Client();
        var (id, url, secret) = await Inbound.CreateAsync(api, "standard", new { mode = "standard_webhooks" });
        const string body = """{"event":"lead.created","data":{"name":"Ana"}}""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        async Task<HttpResponseMessage> SendAsync(string messageId, long at, string key) => await PostAsync(url, body,
            ("webhook-id", messageId), ("webhook-timestamp", at.ToString()), ("webhook-signature", await Inbound.SignStandardAsync(key, messageId, at, body)));

        var fresh = await SendAsync("msg_fresh", now, secret!);
        var old = await SendAsync("msg_old", now - 6 * 60, secret!);
        var wrongKey = await SendAsync("msg_wrong", now, "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Contains("within 5 minutes", (await ProblemAsync(old)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(3, (await Inbound.RequestsAsync(api, id)).Count);
    }

    [Fact]
    public async Task MalformedJson_Gets400NamingLineAndColumn_AndTheRawBodyIsInTheLog()
    {
        using var api = App.Client();
        var (id, url, _) = await Inbound.CreateAsync(api, "malformed");

        var response = await PostAsync(url, Inbound.LeadAsPrinted);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.StartsWith("The body is not valid JSON (line 143, column 11)", problem.GetProperty("detail").GetString());
        var logged = Assert.Single(await Inbound.RequestsAsync(api, id));
        Assert.Equal(problem.GetProperty("requestId").GetString(), logged.GetProperty("id").GetString());
        Assert.Equal((400, "malformed"), (logged.GetProperty("status").GetInt32(), logged.GetProperty("outcome").GetString()));
        Assert.Equal(Inbound.LeadAsPrinted, logged.GetProperty("body").GetString());
    }

    [Fact]
    public async Task OversizedBody_Gets413_AndIsLogged()
    {
        using var api = App.Client();
        var (id, url, _) = await Inbound.CreateAsync(api, "big");
        var body = "{\"pad\":\"" + new string('x', 1024 * 1024) + "\"}"; // just over the 1 MB default

        var response = await PostAsync(url, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1,048,576", (await ProblemAsync(response)).GetProperty("detail").GetString());
        var logged = Assert.Single(await Inbound.RequestsAsync(api, id));
        Assert.Equal(("too_large", (long)body.Length, true),
            (logged.GetProperty("outcome").GetString(), logged.GetProperty("bodyBytes").GetInt64(), logged.GetProperty("bodyTruncated").GetBoolean()));
    }

    [Fact]
    public async Task UnknownAndDisabledTokens_Get404_WithTheSameProblem()
    {
        using var api = App.Client();
        var (id, url, _) = await Inbound.CreateAsync(api, "soon disabled");
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"api/v1/inbound/{id}", new { name = "soon disabled", enabled = false })).StatusCode);

        var disabled = await PostAsync(url, "{}");
        var unknown = await PostAsync(new Uri(App.BaseAddress, "in/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')).ToString(), "{}");

        Assert.Equal(HttpStatusCode.NotFound, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(await disabled.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Equal("No such inbound URL", (await ProblemAsync(unknown)).GetProperty("title").GetString());
        Assert.Empty(await Inbound.RequestsAsync(api, id));
    }

    [Fact]
    public async Task Seed004Lead_MappedToAContact_DeliversContactCreated_ToASubscribedReceiver_AndADuplicateIsProcessedOnce()
    {
        using var api = App.Client();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (phone, email) = (Inbound.UniquePhone(), $"lead-{tag}@example.com");
        var (webhookId, secret) = await CreateSubscriptionAsync(api, "contacts " + tag);
        await using var receiver = await ReceiverProcess.StandardAsync(secret);
        await PointAtAsync(api, webhookId, "contacts " + tag, receiver.Url);
        try
        {
            var mappingId = await Inbound.CreateLeadMappingAsync(api, "lead " + tag);
            var (inboundId, url, _) = await Inbound.CreateAsync(api, "SaleAssist " + tag, mappingId: mappingId);
            var lead = Inbound.Lead(phone, email);

            var first = await PostAsync(url, lead, ("webhook-id", "evt-" + tag));
            var again = await PostAsync(url, lead, ("webhook-id", "evt-" + tag));

            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            Assert.Equal(firstId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

            var log = await Inbound.WaitForRequestsAsync(api, inboundId, l => l.Any(r => r.GetProperty("processing").GetString() == "processed"));
            Assert.Equal(["duplicate", "accepted"], log.Select(r => r.GetProperty("outcome").GetString()));
            Assert.Equal("Created contact Prakash Mudhaliyar.", log[1].GetProperty("result").GetString());

            var contacts = await api.GetFromJsonAsync<List<JsonElement>>($"api/v1/contacts?search={Uri.EscapeDataString(phone)}");
            var contact = Assert.Single(contacts!);
            Assert.Equal(("Prakash Mudhaliyar", email, "inbound: SaleAssist " + tag),
                (contact.GetProperty("name").GetString(), contact.GetProperty("email").GetString(), contact.GetProperty("source").GetString()));

            // Other tests' contacts may reach this webhook too: ours is the delivery whose body holds our phone.
            var delivery = await WaitForAsync(async () =>
                (await api.GetFromJsonAsync<List<JsonElement>>($"api/v1/webhooks/{webhookId}/deliveries"))!
                .Where(d => d.GetProperty("body").GetString()!.Contains(phone)).ToList(), d => d.GetProperty("state").GetString() == "succeeded");
            Assert.Equal("contact.created", delivery.GetProperty("eventType").GetString());
            Assert.Equal(contact.GetProperty("id").GetString(), JsonDocument.Parse(delivery.GetProperty("body").GetString()!).RootElement
                .GetProperty("data").GetProperty("id").GetString());
            // The receiver verified it with the npm standardwebhooks library.
            var received = Assert.Single(await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10),
                r => r.GetProperty("webhookId").GetString() == delivery.GetProperty("webhookId").GetString()));
            Assert.True(received.GetProperty("verified").GetBoolean());
        }
        finally
        {
            await api.DeleteAsync($"api/v1/webhooks/{webhookId}");
        }
    }

    [Fact]
    public async Task GetSchema_OfALoggedRequest_ListsItsFieldPaths()
    {
        using var api = App.Client();
        var (_, url, _) = await Inbound.CreateAsync(api, "schema");
        var posted = await PostAsync(url, Inbound.Lead(Inbound.UniquePhone(), "schema@example.com"));
        var requestId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var schema = await (await api.PostAsJsonAsync("api/v1/mappings/schema", new { requestId })).Content.ReadFromJsonAsync<JsonElement>();

        var fields = schema.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Equal("Prakash Mudhaliyar", fields["payload.people_detail.name"].GetProperty("example").GetString());
        Assert.Equal("string", fields["payload.meta[0].date"].GetProperty("type").GetString());
    }

    [Fact]
    public async Task OpenApi_DescribesTheInboundUrl_AndTheInboundMappingAndContactRoutes()
    {
        using var api = App.Client(apiKey: null);

        var paths = (await api.GetFromJsonAsync<JsonElement>("openapi/v1.json")).GetProperty("paths");

        foreach (var path in (string[])["/in/{token}", "/api/v1/inbound", "/api/v1/inbound/{id}/requests", "/api/v1/inbound/{id}/regenerate-token",
                     "/api/v1/mappings", "/api/v1/mappings/schema", "/api/v1/mappings/preview", "/api/v1/contacts"])
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        var receive = paths.GetProperty("/in/{token}").GetProperty("post");
        Assert.False(receive.TryGetProperty("security", out _)); // no API key: the token is the credential
        Assert.True(receive.GetProperty("responses").TryGetProperty("413", out _));
    }

    private static async Task<(string Id, string Secret)> CreateSubscriptionAsync(HttpClient api, string name)
    {
        var response = await api.PostAsJsonAsync("api/v1/webhooks", new
        {
            name, url = "http://127.0.0.1:9/placeholder", events = new[] { "contact.created" }, enabled = false, retrySchedule = new[] { 1 }, timeoutSeconds = 5,
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    private static async Task PointAtAsync(HttpClient api, string id, string name, string url) =>
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"api/v1/webhooks/{id}", new
        {
            name, url, events = new[] { "contact.created" }, enabled = true, retrySchedule = new[] { 1 }, timeoutSeconds = 5,
        })).StatusCode);

    // Deliveries happen after the 202 and the processing: ask until the one delivery is there and done (bounded).
    private static async Task<JsonElement> WaitForAsync(Func<Task<List<JsonElement>>> read, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var found = await read();
            if (found.Count == 1 && done(found[0]))
                return found[0];
            if (found.Count > 1 || DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException("Expected one finished delivery for this lead, found: " + JsonSerializer.Serialize(found));
            await Task.Delay(100);
        }
    }
}
