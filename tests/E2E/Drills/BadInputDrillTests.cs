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
/// 10,000-level nesting, invalid UTF-8, wrong content types, CR/LF in values that become headers, and on the wire: CR, LF or NUL
/// inside header values, folded, oversized and too many headers, bytes that are not ASCII. Every route exists (a real inbound URL,
/// a real session), so a refusal is for the input, never "no such thing". Every one must get a clear 4xx; none a 5xx; the console
/// must still be up at the end. CI runs 2,000 (set BAD_INPUT_REQUESTS=10000 for the full drill).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BadInputDrillTests(ConsoleFixture fixture, ITestOutputHelper output)
{
    private sealed record Bad(string Kind, string Method, string Path, string? ContentType, byte[] Body, string? RawHeader = null);

    // A valid request for each raw route: it is accepted (202) as it is, so a refusal of the same request with one bad header
    // line is for that line.
    private static readonly byte[] ValidEvent = """{"type":"appointment.booked","data":{"appointment_id":"A-1"}}"""u8.ToArray();   // a type no test's webhook takes

    // Header lines that no server may take as they are (RFC 9110/9112): each must be refused by the server itself. (A bare LF is
    // not here: RFC 9112 lets a server read it as the end of the line, and Kestrel does, so "a\nSet-Cookie: x" is two headers.)
    private static readonly (string Kind, string Line)[] RawHeaders =
    [
        ("CR inside a header value", "X-Note: a\rSet-Cookie: evil=1"),
        ("NUL inside a header value", "X-Note: a\0b"),
        ("folded header (obs-fold)", "X-Note: a\r\n Set-Cookie: evil=1"),
        ("space before the colon", "X-Note : a"),
        ("oversized header (64 KB)", "X-Big: " + new string('a', 64 * 1024)),
        ("too many headers (200)", string.Join("\r\n", Enumerable.Range(0, 200).Select(i => $"X-Many-{i}: {i}"))),
        ("invalid UTF-8 in a header value", "X-Note: caf\u00c3\u0028\u00ff"),   // written as raw bytes C3 28 FF, see SendRawAsync
    ];

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
        var assistant = await api.PostAsJsonAsync("api/v1/assistants", new { name = "drill " + Guid.NewGuid().ToString("N")[..6] });
        var assistantId = (await assistant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var session = await api.PostAsJsonAsync("api/v1/sessions", new { assistantId });
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        var sessionPath = "/api/v1/sessions/" + (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        string[] apiPaths = ["/api/v1/events", "/api/v1/webhooks", "/api/v1/inbound", "/api/v1/mappings", $"/api/v1/webhooks/{webhookId}/replay", "/api/v1/sessions"];

        // The raw sender's control: the valid requests, well-formed on the wire, are accepted; only a bad header line changes that.
        using var control = new HttpClient { BaseAddress = fixture.App.BaseAddress };
        foreach (var path in new[] { inboundPath, "/api/v1/events" })
            Assert.Equal(202, await SendRawAsync(control.BaseAddress!, new("control", "POST", path, "application/json", ValidEvent, RawHeader: "X-Note: fine")));

        var random = new Random(20261122);
        var requests = Enumerable.Range(0, count).Select(i => Generate(random, i, inboundPath, sessionPath, apiPaths)).ToList();
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
        var unclear = results.Where(r => r.Request.RawHeader is null && (r.MediaType != "application/problem+json" || !HasDetail(r.Body))).ToList();
        Assert.True(unclear.Count == 0, $"{unclear.Count} refusals were not problem+json with a title and detail, e.g. {Describe(unclear.FirstOrDefault())}");

        // Every route exists: nothing may be refused as "no such route" or "no such session" (a wrong content type is a 415).
        var notFound = results.Where(r => r.Status == 404).ToList();
        Assert.True(notFound.Count == 0, $"{notFound.Count} requests to routes that exist got 404, e.g. {Describe(notFound.FirstOrDefault())}");
        // Every kind of header line on the wire was sent, and each was refused.
        Assert.Equal(RawHeaders.Select(h => h.Kind).Order(), results.Where(r => r.Request.RawHeader is not null).Select(r => r.Request.Kind).Distinct().Order());

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("health")).StatusCode);   // still up
        // The shared console also served the browser tests: a chart's JS call on a circuit the closed browser had already left
        // (JSDisconnectedException) is the only unhandled exception that is not a crash; any other fails the drill.
        var log = fixture.App.Output;
        var crash = -1;
        for (var at = log.IndexOf("Unhandled exception", StringComparison.Ordinal); at >= 0; at = log.IndexOf("Unhandled exception", at + 1, StringComparison.Ordinal))
        {
            if (!log.AsSpan(at, Math.Min(400, log.Length - at)).Contains("JSDisconnectedException", StringComparison.Ordinal))
            {
                crash = at;
                break;
            }
        }
        Assert.True(crash < 0, "the console logged an unhandled exception: " + (crash < 0 ? "" : log.Substring(Math.Max(0, crash - 300), Math.Min(2500, log.Length - Math.Max(0, crash - 300)))));
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

    private static Bad Generate(Random random, int i, string inboundPath, string sessionPath, string[] apiPaths)
    {
        var toInbound = random.Next(2) == 0;
        var path = toInbound ? inboundPath : apiPaths[random.Next(apiPaths.Length)];
        var method = path == "/api/v1/sessions" && random.Next(2) == 0 ? "PUT" : "POST";
        if (method == "PUT") path = sessionPath;   // a session that exists: the body is what is wrong
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
            case 7: // header injection: on the wire to the inbound URL, or inside JSON values that become a webhook's or an action's headers
                var injected = random.Next(3) switch { 0 => "a\r\nX-Injected: 1", 1 => "a\nSet-Cookie: x=1", _ => "a\rb" };
                if (toInbound)
                {
                    var (kind, line) = RawHeaders[random.Next(RawHeaders.Length)];
                    return new(kind, "POST", inboundPath, json, ValidEvent, RawHeader: line);
                }
                return new("header injection", "POST", "/api/v1/webhooks", json, JsonSerializer.SerializeToUtf8Bytes(new
                    {
                        name = "inject", url = "https://x.example.com/hook", events = new[] { "lead.created" },
                        headers = new[] { new { key = random.Next(2) == 0 ? "X-Ok" : "X-Bad\r\nInjected", value = injected } },
                    }));
            case 8: // no body at all
                return new("empty body", method, path, json, []);
            case 9: // a bad header line on the wire, in an otherwise valid publish (refused by the server itself)
                var (rawKind, rawLine) = RawHeaders[random.Next(RawHeaders.Length)];
                return toInbound
                    ? new(rawKind, "POST", inboundPath, json, ValidEvent, RawHeader: rawLine)
                    : new(rawKind, "POST", "/api/v1/events", json, ValidEvent, RawHeader: rawLine);
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
        if (bad.RawHeader is not null)
            return (bad, await SendRawAsync(http.BaseAddress!, bad), null, "");
        using var request = new HttpRequestMessage(new HttpMethod(bad.Method), bad.Path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ConsoleApp.BootstrapKey);
        request.Content = new ByteArrayContent(bad.Body);
        if (bad.ContentType is not null)
            request.Content.Headers.TryAddWithoutValidation("Content-Type", bad.ContentType);
        using var response = await http.SendAsync(request);
        return (bad, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    // HttpClient will not send a header with CR, LF or NUL in it, nor bytes that are not ASCII; a raw socket will.
    private static async Task<int> SendRawAsync(Uri baseAddress, Bad bad)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();
        var head = $"{bad.Method} {bad.Path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAuthorization: Bearer {ConsoleApp.BootstrapKey}\r\n" +
                   $"Content-Type: application/json\r\n{bad.RawHeader}\r\nContent-Length: {bad.Body.Length}\r\nConnection: close\r\n\r\n";
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head));   // one byte per char: U+00C3 goes out as the byte C3
            await stream.WriteAsync(bad.Body);
        }
        catch (IOException) { /* the server answered and closed before taking the rest: its answer is still to be read */ }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync() ?? "";
        return int.Parse(status.Split(' ')[1]);
    }
}
