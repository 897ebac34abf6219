using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

[Collection(ConsoleCollection.Name)]
public sealed class ApiAccessTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    [Fact]
    public async Task Api_Answers401ProblemJson_WithoutAKey()
    {
        using var client = App.Client(apiKey: null);

        var response = await client.GetAsync("api/v1/event-types");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_Answers401_ForAWrongKey()
    {
        using var client = App.Client(apiKey: "wc_this_key_was_never_issued_000000000");

        var response = await client.GetAsync("api/v1/event-types");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("not valid", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_Answers200_WithTheBootstrapKey_AsBearerOrXApiKey()
    {
        using var bearer = App.Client();
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("api/v1/event-types")).StatusCode);

        using var header = App.Client(apiKey: null);
        header.DefaultRequestHeaders.Add("X-Api-Key", ConsoleApp.BootstrapKey);
        Assert.Equal(HttpStatusCode.OK, (await header.GetAsync("api/v1/event-types")).StatusCode);
    }

    [Fact]
    public async Task UnknownApiRoute_AnswersProblemJson404()
    {
        using var client = App.Client();

        var response = await client.GetAsync("api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_IsOpen_AndHealthy()
    {
        using var client = App.Client(apiKey: null);

        var health = await client.GetFromJsonAsync<JsonElement>("health");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi_AndItsKeySchemes()
    {
        using var client = App.Client(apiKey: null);

        var document = await client.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/event-types", out _));
        Assert.True(paths.TryGetProperty("/api/v1/event-types/{name}", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
    }
}
