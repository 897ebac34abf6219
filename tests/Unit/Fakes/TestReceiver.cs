using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>A real HTTP receiver (Kestrel on 127.0.0.1, a free port) that records every request and answers as told.</summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>A request as it arrived.</summary>
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);

        /// <summary>When it had arrived in full (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
        public long ArrivedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public ConcurrentQueue<Received> Requests { get; } = new();
    private readonly SemaphoreSlim _arrivals = new(0);

    /// <summary>How to answer: gets the request's number (1-based) and the context. Default: 200 {"ok":true}.</summary>
    public Func<int, HttpContext, Task> Respond { get; set; } = (_, c) => c.Response.WriteAsJsonAsync(new { ok = true });

    public string Url { get; private set; } = "";

    private TestReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        var count = 0;
        _app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Requests.Enqueue(new Received(context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            _arrivals.Release();
            await Respond(Interlocked.Increment(ref count), context);
        });
    }

    public static async Task<TestReceiver> StartAsync()
    {
        var receiver = new TestReceiver();
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived in all; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (Requests.Count < count)
                await _arrivals.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Requests.Count} of {count} requests arrived within {timeout.TotalSeconds} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
