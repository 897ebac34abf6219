using System.Net.Http.Headers;
using System.Text;
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
/// address checked at connect time, no redirects), under the same timeout (<see cref="OutboundHttp"/>).
/// </summary>
public sealed class ActionCallSender(IHttpClientFactory clients, TimeProvider time)
{
    /// <summary>Sends <paramref name="request"/> (which must be sendable) and reads the first 64 KB of the answer.</summary>
    public async Task<CallOutcome> SendAsync(PreparedRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var message = ToMessage(request);
        var started = time.GetTimestamp();
        int Elapsed() => (int)time.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var response = await clients.SendAsync(message, timeout, ct);
            var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(ct)); // the first 64 KB, read inside the timeout
            var status = (int)response.StatusCode;
            return new CallOutcome(status, body, Elapsed(), status is >= 200 and <= 299 ? null : Describe(response));
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
}
