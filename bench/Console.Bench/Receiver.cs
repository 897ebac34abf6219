using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebhookConsole.Bench;

/// <summary>
/// The minimal receiver every measurement posts to: Kestrel on 127.0.0.1, reads the whole body, answers 200 with no body, and
/// notes when each request arrived and its <c>webhook-id</c> (into arrays sized up front, so recording costs no allocation).
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long[] _times = [];
    private string?[] _ids = [];
    private int _count;
    private int _target = int.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Base URL, e.g. http://127.0.0.1:41234/ (any path is accepted).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Requests received since the last <see cref="Reset"/>.</summary>
    public int Count => Volatile.Read(ref _count);

    private Receiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver();
        await receiver._app.StartAsync();
        receiver.Url = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return receiver;
    }

    /// <summary>Starts counting afresh, with room to record up to <paramref name="capacity"/> arrivals.</summary>
    public void Reset(int capacity)
    {
        _times = new long[capacity];
        _ids = new string?[capacity];
        _target = int.MaxValue;
        _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
    }

    /// <summary>Completes when <paramref name="count"/> requests have arrived since the last reset; throws after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        Volatile.Write(ref _target, count);
        if (Count >= count)
            _reached.TrySetResult();
        try
        {
            await _reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Count} of {count} requests arrived within {timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Arrival timestamps (<see cref="Stopwatch.GetTimestamp"/>) of the recorded requests, in arrival order.</summary>
    public ReadOnlySpan<long> Times => _times.AsSpan(0, Math.Min(Count, _times.Length));

    /// <summary>The <c>webhook-id</c> of each recorded request, in the same order as <see cref="Times"/>.</summary>
    public ReadOnlySpan<string?> Ids => _ids.AsSpan(0, Math.Min(Count, _ids.Length));

    private async Task HandleAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(buffer) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _times.Length)
        {
            _times[index] = Stopwatch.GetTimestamp();
            _ids[index] = context.Request.Headers["webhook-id"];
        }
        if (index + 1 >= Volatile.Read(ref _target))
            _reached.TrySetResult();
        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
