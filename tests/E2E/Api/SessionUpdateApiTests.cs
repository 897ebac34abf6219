using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Updating a session over real HTTP: both bodies the contract promises, and clear refusals for the rest.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SessionUpdateApiTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> NewSessionAsync(HttpClient client)
    {
        var assistant = await JsonAsync(await client.PostAsJsonAsync("api/v1/assistants", new { name = "Sessions " + Guid.NewGuid().ToString("N")[..6] }),
            HttpStatusCode.Created);
        var session = await JsonAsync(await client.PostAsJsonAsync("api/v1/sessions", new
        {
            assistantId = assistant.GetProperty("id").GetString(),
            clientData = new { user_id = "usr_1", plan = "free" },
        }), HttpStatusCode.Created);
        return session.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Put_WithJson_MergesClientData_AndReplacesImages()
    {
        using var client = App.Client();
        var id = await NewSessionAsync(client);

        var updated = await JsonAsync(await client.PutAsJsonAsync($"api/v1/sessions/{id}", new
        {
            clientData = new { plan = "enterprise", seats = 12 },
            images = new[] { "https://cdn.example.com/a.png" },
        }), HttpStatusCode.OK);

        var data = updated.GetProperty("clientData");
        Assert.Equal("usr_1", data.GetProperty("user_id").GetString());
        Assert.Equal("enterprise", data.GetProperty("plan").GetString());
        Assert.Equal(12, data.GetProperty("seats").GetInt32());
        Assert.Equal("https://cdn.example.com/a.png", Assert.Single(updated.GetProperty("images").EnumerateArray()).GetString());
        var read = await JsonAsync(await client.GetAsync($"api/v1/sessions/{id}"), HttpStatusCode.OK);
        Assert.Equal("enterprise", read.GetProperty("clientData").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Put_WithTheFormField_MergesClientData()
    {
        using var client = App.Client();
        var id = await NewSessionAsync(client);
        using var form = new MultipartFormDataContent { { new StringContent("""{"plan":"pro"}"""), "client_data" } };

        var updated = await JsonAsync(await client.PutAsync($"api/v1/sessions/{id}", form), HttpStatusCode.OK);

        Assert.Equal("pro", updated.GetProperty("clientData").GetProperty("plan").GetString());
        Assert.Equal("usr_1", updated.GetProperty("clientData").GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Put_WithAnotherContentType_Is415_NamingTheTypesItTakes()
    {
        using var client = App.Client();
        var id = await NewSessionAsync(client);

        var response = await client.PutAsync($"api/v1/sessions/{id}", new StringContent("plan=pro", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("application/json", detail);
        Assert.Contains("multipart/form-data", detail);
        Assert.Contains("not text/plain", detail);
    }

    [Fact]
    public async Task Post_WithAnAssistantIdThatIsNotAUuid_NamesTheField_InTheApisWords()
    {
        using var client = App.Client();

        var response = await client.PostAsync("api/v1/sessions",
            new StringContent("""{"assistantId": "not-a-uuid", "clientData": {}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("assistantId").EnumerateArray()).GetString()!;
        Assert.StartsWith("assistantId must be a UUID", message);
        Assert.DoesNotContain("WebhookConsole", text);
        Assert.DoesNotContain("System.", text);
    }

    [Fact]
    public async Task Get_WithAPageThatIsNotANumber_NamesTheParameter_InTheApisWords()
    {
        using var client = App.Client();

        var response = await client.GetAsync("api/v1/sessions?page=two");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Equal("page must be a whole number, not \"two\".", detail);
    }
}
