using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary><c>/api/v1/users</c> over real HTTP: invite, list, change a role, reset, remove; the last admin stays; only a full key.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class UsersApiTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AFullKey_InvitesListsChangesResetsAndRemoves_AndTheLastAdminStays()
    {
        // Its own console: the test resets the admin, which the shared console's other tests sign in as.
        await using var app = new ConsoleApp();
        await app.StartAsync();
        using var api = app.Client();
        var email = $"api-{Guid.NewGuid():N}"[..12] + "@example.com";

        var invited = await api.PostAsJsonAsync("api/v1/users", new { email, role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var link = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inviteUrl").GetString()!;
        Assert.StartsWith(app.BaseAddress + "invite/", link);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(apiKey: null).GetAsync(link)).StatusCode); // the page where the person chooses a password

        // The person's account exists once they used the link; until then the invite is listed as pending.
        var listed = (await api.GetFromJsonAsync<List<JsonElement>>("api/v1/users"))!.Single(u => u.GetProperty("email").GetString() == email);
        Assert.True(listed.GetProperty("invitePending").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsJsonAsync("api/v1/users", new { email = ConsoleApp.AdminEmail })).StatusCode);
        var badRole = await api.PostAsJsonAsync("api/v1/users", new { email = "x@example.com", role = "owner" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("admin or viewer", (await badRole.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("role")[0].GetString());

        var admin = (await api.GetFromJsonAsync<List<JsonElement>>("api/v1/users"))!.Single(u => u.GetProperty("email").GetString() == ConsoleApp.AdminEmail);
        var adminId = admin.GetProperty("id").GetString();
        var reset = await api.PostAsync($"api/v1/users/{adminId}/invite", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Contains("/invite/", (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inviteUrl").GetString());
        // The admin was reset (no password now): nobody else can sign in as an admin, so the account stays and keeps its role.
        var lastAdmin = await api.DeleteAsync($"api/v1/users/{adminId}");
        Assert.Equal(HttpStatusCode.Conflict, lastAdmin.StatusCode);
        Assert.Equal("application/problem+json", lastAdmin.Content.Headers.ContentType?.MediaType);
        Assert.Contains("last admin", (await lastAdmin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PutAsJsonAsync($"api/v1/users/{adminId}", new { role = "viewer" })).StatusCode);

        var withdrawn = await api.DeleteAsync($"api/v1/users/{listed.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        Assert.DoesNotContain((await api.GetFromJsonAsync<List<JsonElement>>("api/v1/users"))!, u => u.GetProperty("email").GetString() == email);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"api/v1/users/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task AReadKey_IsRefusedTheTeam_NamingTheScope_AndTheRoutesAreInTheOpenApiDocument()
    {
        using var full = fixture.App.Client();
        var created = await full.PostAsJsonAsync("api/v1/api-keys", new { name = "team read", scope = "read" });
        using var read = fixture.App.Client((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());

        var refused = await read.GetAsync("api/v1/users");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("scope 'full'", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var paths = (await full.GetFromJsonAsync<JsonElement>("openapi/v1.json")).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/users", out _));
        Assert.True(paths.TryGetProperty("/api/v1/users/{id}/invite", out _));
    }
}
