using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

[Collection(ConsoleCollection.Name)]
public sealed class ApiAccessTests(ConsoleFixture fixture)
{
    private ConsoleApp App => fixture.App;

    // Every API test here says it runs over real HTTP: its client must open a TCP connection to a socket the console's own
    // process listens on (not an in-memory server in this process).
    [Fact]
    public async Task ApiClients_CrossARealSocket_ToTheConsolesProcess()
    {
        using var client = App.Client();
        var before = App.Connections.Count;

        var response = await client.GetAsync("api/v1/event-types");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (local, remote) = Assert.Single(App.Connections.Skip(before));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, App.BaseAddress.Port), new IPEndPoint(remote.Address.MapToIPv4(), remote.Port));
        Assert.NotEqual(local.Port, remote.Port);
        var listener = ListeningSocketInode(remote.Port);
        Assert.True(listener is not null, $"nothing listens on 127.0.0.1:{remote.Port}");
        Assert.True(HoldsSocket(App.ProcessId, listener!), $"the socket listening on port {remote.Port} is not the console process's ({App.ProcessId})");
        Assert.False(HoldsSocket(Environment.ProcessId, listener!), "the test process itself listens on the console's port");
    }

    // Linux: /proc/net/tcp lists sockets (local address:port in hex, state 0A = listening, inode); /proc/<pid>/fd links to "socket:[inode]".
    private static string? ListeningSocketInode(int port) =>
        File.ReadLines("/proc/net/tcp").Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6") : [])
            .Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && Convert.ToInt32(f[1].Split(':')[1], 16) == port)
            .Select(f => f[9]).FirstOrDefault();

    private static bool HoldsSocket(int pid, string inode)
    {
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget == $"socket:[{inode}]")
                    return true;
            }
            catch (IOException) { /* closed while we looked */ }
        }
        return false;
    }

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
    public async Task ExistingRoute_WithAnotherMethod_Is405_WithAllow_NeverNoSuchRoute()
    {
        using var client = App.Client();

        var response = await client.PatchAsync("api/v1/webhooks", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order());
        var title = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("title").GetString();
        Assert.Equal("This route does not take that method", title);
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
