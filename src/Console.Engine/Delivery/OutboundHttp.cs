using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// The one HTTP client for everything the console sends (webhook attempts and assistant action calls): the destination
/// policy checks every resolved address, redirects are not followed, and a resilience handler times each call. The timeout
/// covers sending and reading the first 64 KB of the answer, as receivers are told: the answer's first 64 KB are read
/// inside the timed pipeline (<see cref="ResponsePrefixHandler"/>), so a receiver that trickles its body times out too. A second
/// client, the same but for a new connection per request, serves receivers that close the connection after each answer.
/// </summary>
public static class OutboundHttp
{
    /// <summary>The most of an answer that is read and kept.</summary>
    public const int MaxResponseBytes = 64 * 1024;
    private static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new("outbound.timeout");

    internal static void Register(IServiceCollection services)
    {
        AddClient(services, WebhookSender.HttpClientName, pooled: true);
        AddClient(services, WebhookSender.FreshConnectionClientName, pooled: false);
        // A receiver that times out is an attempt's outcome, kept in its log and counted in the metrics: not an error of the
        // console's, and not worth a log line per attempt (Polly says Error for each, a slow endpoint would flood the log).
        services.Configure<TelemetryOptions>(o =>
        {
            var severity = o.SeverityProvider;
            o.SeverityProvider = args => args.Event.EventName == "OnTimeout" && args.Source.PipelineName?.StartsWith(WebhookSender.HttpClientName, StringComparison.Ordinal) == true
                ? ResilienceEventSeverity.Information
                : severity?.Invoke(args) ?? args.Event.Severity;
        });
    }

    private static void AddClient(IServiceCollection services, string name, bool pooled)
    {
        var client = services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan) // the resilience handler times each call
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.CreateHandler(sp.GetRequiredService<DestinationPolicy>(), pooled))
            .RemoveAllLoggers(); // every attempt is in the delivery or session log; four Information lines each would flood the console's log
        // Outermost first: the timeout wraps the prefix read.
        client.AddResilienceHandler("timeout", (pipeline, context) =>
            {
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                pipeline.AddTimeout(new HttpTimeoutStrategyOptions
                {
                    TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(TimeoutKey, TimeSpan.FromSeconds(10))),
                });
            });
        client.AddHttpMessageHandler(() => new ResponsePrefixHandler());
    }

    /// <summary>Sends <paramref name="request"/> through the outbound client (or <paramref name="client"/>), timed out after <paramref name="timeout"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(this IHttpClientFactory clients, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct,
        string client = WebhookSender.HttpClientName)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(TimeoutKey, timeout);
        request.SetResilienceContext(context);
        try
        {
            return await clients.CreateClient(client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Reads the first <see cref="MaxResponseBytes"/> of each answer while the call is still timed; the rest is never read.</summary>
    private sealed class ResponsePrefixHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            try
            {
                // Read into a pooled buffer and keep only what came: most answers are a few bytes, and a fresh 64 KB per attempt
                // would be zeroed for nothing and fill the heap.
                var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes);
                byte[] kept;
                try
                {
                    var read = 0;
                    await using (var stream = await response.Content.ReadAsStreamAsync(ct))
                    {
                        int n;
                        while (read < MaxResponseBytes && (n = await stream.ReadAsync(buffer.AsMemory(read, MaxResponseBytes - read), ct)) > 0)
                            read += n;
                    }
                    kept = buffer.AsSpan(0, read).ToArray();
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                var prefix = new ByteArrayContent(kept);
                foreach (var header in response.Content.Headers)
                    prefix.Headers.TryAddWithoutValidation(header.Key, header.Value);
                response.Content.Dispose();
                response.Content = prefix;
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }
}
