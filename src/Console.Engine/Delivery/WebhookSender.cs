using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Polly.Timeout;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Delivery;

/// <summary>Sends one signed attempt of a delivery and describes what happened, failures included, in words.</summary>
public sealed class WebhookSender
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client whose handler enforces the destination policy.</summary>
    public const string HttpClientName = "webhooks";
    /// <summary>The same client with every request on a new connection, for receivers that close the connection after each answer.</summary>
    public const string FreshConnectionClientName = "webhooks-fresh";
    private const string Masked = "••••••••";
    private static readonly string UserAgent =
        "WebhookConsole/" + (typeof(WebhookSender).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0");

    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _time;
    /// <summary>Endpoints (scheme, host, port) that close the connection after each answer.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _closing = new(StringComparer.OrdinalIgnoreCase);

    public WebhookSender(IHttpClientFactory clients, TimeProvider time)
    {
        _clients = clients;
        _time = time;
    }

    /// <summary>
    /// POSTs <paramref name="body"/> as it is (no copy) to the subscription's URL, with every signature header over those bytes. A receiver that closes the connection
    /// after each answer (HTTP/1.0 servers, small scripts) is sent <c>Connection: close</c> from then on, each request on a new
    /// connection (<see cref="FreshConnectionClientName"/>): the header alone does not keep a pooled connection from being reused,
    /// and one the receiver has just closed still looks open for a moment. Until the console knows that of an endpoint, a request
    /// can go out on such a connection and end before any answer; the receiver most likely never read it. That request, and only
    /// that kind, is sent once more at once, on a new connection with <c>Connection: close</c>: the attempt's outcome and logged
    /// request headers are the second request's, its duration both requests'. (A receiver that reads a request and closes without
    /// a word gets that first one twice, with the same webhook-id.) Otherwise nothing is sent twice within one attempt: each
    /// request a receiver gets is an attempt in the log, and a connection that ends or is reset once an answer began, or that was
    /// new, is the attempt's failure.
    /// </summary>
    public async Task<AttemptOutcome> SendAsync(string url, string messageId, byte[] body, IReadOnlyList<string> secrets,
        IReadOnlyList<(string Key, string Value)> customHeaders, TimeSpan timeout, CancellationToken ct)
    {
        var endpoint = EndpointOf(url);
        var closing = _closing.ContainsKey(endpoint);
        var sent = await SendOnceAsync(url, messageId, body, secrets, customHeaders, timeout, closing, ct);
        var duration = sent.Outcome.DurationMs;
        if (!closing && EndedBeforeAnswer(sent.Exception)) // on a pooled connection the receiver had closed: once more on a new one
        {
            _closing.TryAdd(endpoint, 0);
            sent = await SendOnceAsync(url, messageId, body, secrets, customHeaders, timeout, closing: true, ct);
            duration += sent.Outcome.DurationMs;
        }
        if (Innermost<HttpIOException>(sent.Exception) is { HttpRequestError: HttpRequestError.ResponseEnded } || sent.Answer is { Version: { Major: 1, Minor: 0 } })
            _closing.TryAdd(endpoint, 0); // it closes after each answer: never offer it a connection to reuse
        return sent.Outcome with { DurationMs = duration };
    }

    /// <summary>
    /// The connection ended before the answer's status line and headers: HttpClient wraps only failures up to then in an
    /// <see cref="HttpRequestException"/> (one while reading the body is the stream's own exception). A reset is not counted:
    /// a receiver that resets mid-answer can have its reset arrive before the part of the answer it sent.
    /// </summary>
    private static bool EndedBeforeAnswer(Exception? e) => e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded };

    private readonly record struct Sent(AttemptOutcome Outcome, HttpResponseMessage? Answer, Exception? Exception);

    private async Task<Sent> SendOnceAsync(string url, string messageId, byte[] body, IReadOnlyList<string> secrets,
        IReadOnlyList<(string Key, string Value)> customHeaders, TimeSpan timeout, bool closing, CancellationToken ct)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("X-Webhook-Signature", WebhookSigner.HexSignature(secrets[0], body));
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.StandardSignatureHeader(secrets, messageId, timestamp, body));
        foreach (var (key, value) in customHeaders)
            request.Headers.TryAddWithoutValidation(key, value);
        if (closing)
            request.Headers.ConnectionClose = true;
        var loggedHeaders = MaskedHeaders(request, customHeaders);

        var started = _time.GetTimestamp();
        int Elapsed() => (int)_time.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var response = await _clients.SendAsync(request, timeout, ct, closing ? FreshConnectionClientName : HttpClientName);
            var responseBody = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(ct)); // the first 64 KB, read inside the timeout
            var status = (int)response.StatusCode;
            var ok = status is >= 200 and <= 299;
            return new Sent(new AttemptOutcome(ok, status, ok ? null : DescribeStatus(response), Elapsed(), loggedHeaders,
                ResponseHeadersJson(response), responseBody, RetryAfter(response, _time.GetUtcNow())), response, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new Sent(new AttemptOutcome(false, null, DescribeFailure(e, timeout, request.RequestUri!), Elapsed(), loggedHeaders, null, null),
                null, e);
        }
    }

    private static T? Innermost<T>(Exception? e) where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is T found)
                return found;
        return null;
    }

    private static string EndpointOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;

    /// <summary>Why an attempt failed, in words a person can act on.</summary>
    public static string DescribeFailure(Exception e, TimeSpan timeout, Uri url)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case TimeoutRejectedException:
                    return $"timeout: no complete answer within {timeout.TotalSeconds:0.#} s";
                case DestinationRefusedException refused:
                    return "refused: " + refused.Message;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"connection refused by {url.Host}:{url.Port}";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return $"DNS failure: {url.Host} could not be resolved";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return $"connection to {url.Host}:{url.Port} timed out";
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable }:
                    return $"{url.Host} is unreachable";
                case AuthenticationException auth:
                    return "TLS error: " + auth.Message;
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return "connection closed before a complete response";
                case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset }:
                    return "connection reset by the receiver";
            }
        }
        return e.Message;
    }

    private static string DescribeStatus(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var text = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
        return code is >= 300 and <= 399
            ? $"{text}: redirects are not followed (Location: {response.Headers.Location})"
            : text;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    private static string MaskedHeaders(HttpRequestMessage request, IReadOnlyList<(string Key, string Value)> custom)
    {
        var secretNames = custom.Select(h => h.Key).Append("X-Webhook-Signature").Append("webhook-signature")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var headers = request.Headers.Concat(request.Content!.Headers)
            .ToDictionary(h => h.Key, h => secretNames.Contains(h.Key) ? Masked : string.Join(", ", h.Value));
        return JsonSerializer.Serialize(headers);
    }

    private static string ResponseHeadersJson(HttpResponseMessage response) =>
        JsonSerializer.Serialize(response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key).ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value))));

    /// <summary>
    /// Builds the socket handler for <see cref="HttpClientName"/>: no redirects, and every resolved address checked. Not
    /// <paramref name="pooled"/> (<see cref="FreshConnectionClientName"/>), no connection serves a second request.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(DestinationPolicy policy, bool pooled = true) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = pooled ? TimeSpan.FromMinutes(2) : TimeSpan.Zero, // zero: too old to go back to the pool
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            // Any refused address refuses the name: a mix of public and private records is how rebinding attacks look.
            foreach (var address in addresses)
            {
                if (policy.CheckAddress(address) is { } why)
                    throw new DestinationRefusedException(host == address.ToString() ? why : $"{host} resolves to {why}");
            }
            SocketException? lastError = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    lastError = e;
                }
            }
            throw lastError ?? new SocketException((int)SocketError.HostNotFound);
        },
    };
}
