using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Scoped API keys made over the API, and the security headers on pages, API answers and inbound answers, over real HTTP.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ApiKeyScopeTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    private async Task<string> NewKeyAsync(string scope)
    {
        using var full = App.Client();
        var response = await full.PostAsJsonAsync("api/v1/api-keys", new { name = $"{scope} key {Guid.NewGuid():N}"[..20], scope });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(scope, created.GetProperty("scope").GetString());
        return created.GetProperty("key").GetString()!;
    }

    private static async Task<string> ForbiddenDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task APublishKey_Publishes_AndIsRefusedAReadNamingTheScope()
    {
        using var publish = App.Client(await NewKeyAsync("publish"));

        var published = await publish.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = "T-9" } });
        var read = await publish.GetAsync("api/v1/webhooks");

        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        Assert.Contains("needs a key with scope 'read' or 'full'", await ForbiddenDetailAsync(read));
    }

    [Fact]
    public async Task AReadKey_Reads_AndIsRefusedAChangeNamingTheScope()
    {
        using var read = App.Client(await NewKeyAsync("read"));

        var list = await read.GetAsync("api/v1/webhooks");
        var create = await read.PostAsJsonAsync("api/v1/webhooks", new { name = "nope", url = "http://127.0.0.1:9/x", events = new[] { "ticket.created" } });
        var publish = await read.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { } });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("needs a key with scope 'full'", await ForbiddenDetailAsync(create));
        Assert.Contains("needs a key with scope 'publish' or 'full'", await ForbiddenDetailAsync(publish));
    }

    [Fact]
    public async Task KeysAreListedWithTheirScope_AndRevokedOverTheApi_OnlyByAFullKey()
    {
        var plaintext = await NewKeyAsync("publish");
        using var full = App.Client();
        var keys = await full.GetFromJsonAsync<List<JsonElement>>("api/v1/api-keys");
        var listed = Assert.Single(keys!, k => plaintext.StartsWith(k.GetProperty("prefix").GetString()!) && k.GetProperty("scope").GetString() == "publish"
                                             && k.GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
        Assert.DoesNotContain(plaintext, JsonSerializer.Serialize(keys));
        using var read = App.Client(await NewKeyAsync("read"));
        Assert.Contains("scope 'full'", await ForbiddenDetailAsync(await read.GetAsync("api/v1/api-keys")));

        var revoked = await full.DeleteAsync($"api/v1/api-keys/{listed.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var gone = App.Client(plaintext);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gone.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { } })).StatusCode);
    }

    [Fact]
    public async Task AnUnknownScope_IsRefusedInWords()
    {
        using var full = App.Client();
        var response = await full.PostAsJsonAsync("api/v1/api-keys", new { name = "x", scope = "admin" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("full, publish, read", errors.GetProperty("scope")[0].GetString());
    }

    [Fact]
    public async Task SecurityHeaders_AreOnPages_ApiAnswers_AndInboundAnswers()
    {
        using var anonymous = App.Client(apiKey: null);
        using var api = App.Client();
        var answers = new[]
        {
            await anonymous.GetAsync("login"),
            await api.GetAsync("api/v1/event-types"),
            await anonymous.GetAsync("api/v1/event-types"), // a 401
            await anonymous.PostAsync("in/" + new string('A', 43), new StringContent("{}", Encoding.UTF8, "application/json")), // unknown URL: 404
        };
        foreach (var answer in answers)
        {
            var csp = string.Join(" ", answer.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'self'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Single(answer.Headers.GetValues("Content-Security-Policy")); // not a second, weaker one from Blazor
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(answer.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("camera=()", Assert.Single(answer.Headers.GetValues("Permissions-Policy")));
        }
    }
}
