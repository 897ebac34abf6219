using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>Inbound webhooks through the console's API, and seed 004's lead payload made unique per test.</summary>
public static class Inbound
{
    /// <summary>Seed 004's <c>widget_new_conversation</c> payload (made valid) with this test's own phone and email.</summary>
    public static string Lead(string phone, string email) => Fixture("seed004-lead.json")
        .Replace("+910987654321", phone).Replace("prakashm@athenabpo.in", email);

    /// <summary>Seed 004's payload exactly as printed (not valid JSON).</summary>
    public static string LeadAsPrinted => Fixture("seed004-lead-as-printed.json");

    /// <summary>A phone number no other test uses.</summary>
    public static string UniquePhone() => "+91" + Random.Shared.NextInt64(7_000_000_000, 9_999_999_999);

    /// <summary>Creates an inbound webhook; returns its id, URL and (generated) verification secret.</summary>
    public static async Task<(string Id, string Url, string? Secret)> CreateAsync(HttpClient api, string name, object? verification = null, string? mappingId = null)
    {
        var response = await api.PostAsJsonAsync("api/v1/inbound", new { name, verification, mappingId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("verification").GetProperty("secret");
        return (created.GetProperty("id").GetString()!, created.GetProperty("url").GetString()!,
            secret.ValueKind == JsonValueKind.String ? secret.GetString() : null);
    }

    /// <summary>The lead mapping of seed 004: name, mobile number and email of payload.people_detail to the contact.</summary>
    public static async Task<string> CreateLeadMappingAsync(HttpClient api, string name)
    {
        var response = await api.PostAsJsonAsync("api/v1/mappings", new
        {
            name,
            fields = new[]
            {
                new { source = "payload.people_detail.name", target = "contact.name" },
                new { source = "payload.people_detail.mobile_number", target = "contact.phone" },
                new { source = "payload.people_detail.email", target = "contact.email" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The inbound webhook's request log, newest first.</summary>
    public static async Task<List<JsonElement>> RequestsAsync(HttpClient api, string inboundId) =>
        (await api.GetFromJsonAsync<List<JsonElement>>($"api/v1/inbound/{inboundId}/requests"))!;

    /// <summary>Asks for the log until <paramref name="done"/> holds (processing happens after the 202), for at most 15 s.</summary>
    public static async Task<List<JsonElement>> WaitForRequestsAsync(HttpClient api, string inboundId, Func<List<JsonElement>, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var requests = await RequestsAsync(api, inboundId);
            if (done(requests))
                return requests;
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException("The request log never got there: " + JsonSerializer.Serialize(requests));
            await Task.Delay(100);
        }
    }

    /// <summary>The Standard Webhooks signature of a body, made by the npm standardwebhooks library.</summary>
    public static async Task<string> SignStandardAsync(string secret, string messageId, long seconds, string body)
    {
        var start = new ProcessStartInfo("node", ["sign-standard.mjs", secret, messageId, seconds.ToString()])
        {
            WorkingDirectory = Path.Combine(ReceiverProcess.RepoRoot(), "tests", "E2E", "Receivers"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        await node.StandardInput.WriteAsync(body);
        node.StandardInput.Close();
        var signature = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await node.StandardError.ReadToEndAsync());
        return signature;
    }

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
