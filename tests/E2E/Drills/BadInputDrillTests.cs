using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace WebhookConsole.Tests.E2E.Drills;

/// <summary>
/// The bad-input drill: generated malformed requests to an inbound URL and the API — broken JSON, wrong types, huge bodies,
/// 10,000-level nesting, invalid UTF-8, wrong content types, header injection. Every one must get a clear 4xx; none a 5xx;
/// the console must still be up at the end. CI runs 2,000 (set BAD_INPUT_REQUESTS=10000 for the full drill).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BadInputDrillTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    private sealed record Bad(string Kind, string Method, string Path, string? ContentType, byte[] Body, bool Raw = false);

    private static readonly string[] ValidSamples =
    [
        """{"type":"ticket.created","data":{"ticket_id":"T-1","subject":"Help","tags":["a","b"],"priority":2}}""",
        """{"name":"CRM","url":"https://crm.example.com/hook","events":["lead.created"],"retrySchedule":[10,60],"timeoutSeconds":5}""",
        """{"payload":{"people_detail":{"name":"Ana","mobile_number":"+911234567890","email":"ana@example.com"},"meta":[{"date":"2026-05-29"}]}}""",
    ];

    [Fact]
    public async Task ThousandsOfMalformedRequests_AllGetAClear4xx_NoneA5xx_AndTheConsoleStaysUp()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("BAD_INPUT_REQUESTS"), out var n) ? n : 2000;
        using var api = fixture.App.Client();
        var (_, inboundUrl, _) = await Inbound.CreateAsync(api, "drill " + Guid.NewGuid().ToString("N")[..6]);
        var inboundPath = new Uri(inboundUrl).AbsolutePath;
        var webhook = await api.PostAsJsonAsync("api/v1/webhooks", new { name = "drill", url = "https://drill.example.com/hook", events = new[] { "lead.created" }, enabled = false });
        var webhookId = (await webhook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        string[] apiPaths = ["/api/v1/events", "/api/v1/webhooks", "/api/v1/inbound", "/api/v1/mappings", $"/api/v1/webhooks/{webhookId}/replay", "/api/v1/sessions"];

        var random = new Random(20261122);
        var requests = Enumerable.Range(0, count).Select(i => Generate(random, i, inboundPath, apiPaths)).ToList();
        var results = new ConcurrentBag<(Bad Request, int Status, string? MediaType, string Body)>();
        var next = -1;
        using var http = new HttpClient { BaseAddress = fixture.App.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
                results.Add(await SendAsync(http, requests[i]));
        })));

        var byKind = results.GroupBy(r => r.Request.Kind).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}: {g.Count()} ({string.Join(", ", g.GroupBy(r => r.Status).OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Count()}"))})");
        output.WriteLine($"bad-input drill: {results.Count} requests\n  " + string.Join("\n  ", byKind));

        foreach (var odd in results.Where(r => r.Status is < 400 or >= 500).GroupBy(r => (r.Request.Kind, r.Request.Path.StartsWith("/in/") ? "/in/{token}" : r.Request.Path, r.Request.ContentType, r.Status)).Take(20))
            output.WriteLine($"  not refused: {odd.Key} ×{odd.Count()}: {odd.First().Body[..Math.Min(200, odd.First().Body.Length)]}");
        var serverErrors = results.Where(r => r.Status >= 500).ToList();
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} answers were 5xx, e.g. {Describe(serverErrors.FirstOrDefault())}");
        var notRefused = results.Where(r => r.Status is < 400 or >= 500).ToList();
        Assert.True(notRefused.Count == 0, $"{notRefused.Count} malformed requests were not refused, e.g. {Describe(notRefused.FirstOrDefault())}");
        var unclear = results.Where(r => !r.Request.Raw && (r.MediaType != "application/problem+json" || !HasDetail(r.Body))).ToList();
        Assert.True(unclear.Count == 0, $"{unclear.Count} refusals were not problem+json with a title and detail, e.g. {Describe(unclear.FirstOrDefault())}");

        // A wrong content type on a real route is named as such (415), not "no such route".
        Assert.DoesNotContain(results, r => r.Request.Kind == "wrong content type" && r.Status == 404);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("health")).StatusCode);   // still up
        Assert.DoesNotContain("Unhandled exception", fixture.App.Output);
    }

    private static string Describe((Bad Request, int Status, string? MediaType, string Body) r) =>
        r.Request is null ? "" : $"{r.Request.Kind} {r.Request.Method} {r.Request.Path} → {r.Status} {r.MediaType} {r.Body[..Math.Min(300, r.Body.Length)]}";

    private static bool HasDetail(string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            return problem.TryGetProperty("title", out var title) && title.GetString()?.Length > 0
                && (problem.TryGetProperty("detail", out var detail) && detail.GetString()?.Length > 0 || problem.TryGetProperty("errors", out _));
        }
        catch (JsonException) { return false; }
    }

    private static Bad Generate(Random random, int i, string inboundPath, string[] apiPaths)
    {
        var toInbound = random.Next(2) == 0;
        var path = toInbound ? inboundPath : apiPaths[random.Next(apiPaths.Length)];
        var method = path == "/api/v1/sessions" && random.Next(2) == 0 ? "PUT" : "POST";
        if (method == "PUT") path += "/" + Guid.NewGuid();
        var sample = Encoding.UTF8.GetBytes(ValidSamples[random.Next(ValidSamples.Length)]);
        const string json = "application/json";
        switch (i % 11)
        {
            case 0: // truncated JSON
                return new("truncated JSON", method, path, json, sample[..random.Next(1, sample.Length - 1)]);
            case 1: // random bytes after a brace, invalid UTF-8 included
                var bytes = new byte[random.Next(1, 400)];
                random.NextBytes(bytes);
                return new("random bytes", method, path, json, [(byte)'{', .. bytes]);
            case 2: // wrong types where the API expects objects, strings, lists and numbers
                return toInbound
                    ? new("broken JSON", method, path, json, Encoding.UTF8.GetBytes("""{"a": 1,, "b": }"""))
                    : new("wrong types", method, path, json, Encoding.UTF8.GetBytes(WrongTypes(random)));
            case 3: // 10,000 levels of nesting
                var depth = 10_000;
                var nested = random.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return new("10,000-level nesting", method, path, json, Encoding.UTF8.GetBytes(nested));
            case 4: // invalid UTF-8 inside a string
                return new("invalid UTF-8", method, path, json, [.. "{\"name\":\"caf"u8, 0xC3, 0x28, 0xFF, .. "\",\"type\":\"x\"}"u8]);
            case 5: // wrong content types
                // (text/plain is read as JSON by inbound URLs, a common mislabel, so it is not "wrong" there)
                string[] types = toInbound
                    ? ["text/html", "application/xml", "multipart/form-data; boundary=x", "image/png", "application/octet-stream"]
                    : ["text/plain", "application/xml", "multipart/form-data; boundary=x", "image/png", "application/octet-stream"];
                return new("wrong content type", method, path, types[random.Next(types.Length)], sample);
            case 6: // huge: over the inbound limit, or a huge broken document for the API
                var huge = new byte[random.Next(1_100_000, 2_500_000)];
                Array.Fill(huge, (byte)'a');
                huge[0] = (byte)'{';
                return new("huge body", method, path, json, huge);
            case 7: // header injection inside JSON values that become headers
                var injected = random.Next(3) switch { 0 => "a\r\nX-Injected: 1", 1 => "a\nSet-Cookie: x=1", _ => "a\rb" };
                return toInbound
                    ? new("header injection", method, path, json, Encoding.UTF8.GetBytes("{\"unterminated\": \"" + injected.Replace("\r", "\\r").Replace("\n", "\\n")))
                    : new("header injection", "POST", "/api/v1/webhooks", json, JsonSerializer.SerializeToUtf8Bytes(new
                    {
                        name = "inject", url = "https://x.example.com/hook", events = new[] { "lead.created" },
                        headers = new[] { new { key = random.Next(2) == 0 ? "X-Ok" : "X-Bad\r\nInjected", value = injected } },
                    }));
            case 8: // no body at all
                return new("empty body", method, path, json, []);
            case 9: // header injection on the wire: CR or LF inside a header line (refused by the server itself)
                return new("raw header injection", method, path, json, sample, Raw: true);
            default: // a valid JSON document of the wrong shape
                return toInbound
                    ? new("broken JSON", method, path, json, Encoding.UTF8.GetBytes("{\"a\": [1, 2,]}"))
                    : new("wrong shape", method, path, json, Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "[1,2,3]", 1 => "\"text\"", _ => "null" }));
        }
    }

    private static string WrongTypes(Random random) => random.Next(6) switch
    {
        0 => """{"type": 123, "data": "not an object"}""",
        1 => """{"name": ["a"], "url": {"x": 1}, "events": "lead.created"}""",
        2 => """{"since": "yesterday", "status": 7}""",
        3 => """{"name": 5, "verification": "hmac", "mappingId": "not-a-guid"}""",
        4 => """{"fields": {"source": 1}, "name": null}""",
        _ => """{"clientData": "x", "images": 5, "assistantId": []}""",
    };

    private static async Task<(Bad, int, string?, string)> SendAsync(HttpClient http, Bad bad)
    {
        if (bad.Raw)
            return (bad, await SendRawAsync(http.BaseAddress!, bad), null, "");
        using var request = new HttpRequestMessage(new HttpMethod(bad.Method), bad.Path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ConsoleApp.BootstrapKey);
        request.Content = new ByteArrayContent(bad.Body);
        if (bad.ContentType is not null)
            request.Content.Headers.TryAddWithoutValidation("Content-Type", bad.ContentType);
        using var response = await http.SendAsync(request);
        return (bad, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    // HttpClient will not send a header with CR or LF in it; a raw socket will.
    private static async Task<int> SendRawAsync(Uri baseAddress, Bad bad)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();
        var head = $"{bad.Method} {bad.Path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAuthorization: Bearer {ConsoleApp.BootstrapKey}\r\n" +
                   $"Content-Type: application/json\r\nX-Injected: a\rSet-Cookie: evil=1\r\nContent-Length: {bad.Body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bad.Body);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync() ?? "";
        return int.Parse(status.Split(' ')[1]);
    }
}
