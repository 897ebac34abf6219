using System.Net.Http.Headers;
using System.Text;
using Polly;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Engine.Actions;

/// <summary>What an action call got back, or why it got nothing.</summary>
public sealed record CallOutcome(int? StatusCode, string? ResponseBody, int DurationMs, string? Error)
{
    /// <summary>A 2xx answer.</summary>
    public bool Succeeded => StatusCode is >= 200 and <= 299;
}

/// <summary>
/// Sends an action's request through the outbound webhooks' HTTP client, so the same SSRF rules hold (every resolved
/// address checked at connect time, no redirects), under a Polly timeout like theirs.
/// </summary>
public sealed class ActionCallSender(IHttpClientFactory clients, TimeProvider time)
{
    private const int MaxResponseBytes = 64 * 1024;

    /// <summary>Sends <paramref name="request"/> (which must be sendable) and reads the first 64 KB of the answer.</summary>
    public async Task<CallOutcome> SendAsync(PreparedRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var message = ToMessage(request);
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(timeout).Build();
        var started = time.GetTimestamp();
        int Elapsed() => (int)time.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            var client = clients.CreateClient(WebhookSender.HttpClientName);
            return await pipeline.ExecuteAsync(async token =>
            {
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
                var body = await ReadPrefixAsync(response.Content, token);
                var status = (int)response.StatusCode;
                return new CallOutcome(status, body, Elapsed(), status is >= 200 and <= 299 ? null : Describe(response));
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new CallOutcome(null, null, Elapsed(), WebhookSender.DescribeFailure(e, timeout, message.RequestUri!));
        }
    }

    private static HttpRequestMessage ToMessage(PreparedRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Url, UriKind.Absolute));
        if (request.Body is not null)
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
        foreach (var (key, value) in request.Headers)
        {
            if (key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                if (message.Content is not null && MediaTypeHeaderValue.TryParse(value, out var type))
                    message.Content.Headers.ContentType = type;
            }
            else if (!message.Headers.TryAddWithoutValidation(key, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(key, value); // Content-Language and the like
            }
        }
        return message;
    }

    private static string Describe(HttpResponseMessage response)
    {
        var text = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        return (int)response.StatusCode is >= 300 and <= 399
            ? $"{text}: redirects are not followed (Location: {response.Headers.Location})"
            : text;
    }

    private static async Task<string> ReadPrefixAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes];
        int read = 0, n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            read += n;
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
