using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// A webhook receiver written with code this project did not write (the npm <c>standardwebhooks</c> package, or seed 002's
/// Python snippet), run as its own process on 127.0.0.1. Each request it gets is one JSON line on its stdout.
/// </summary>
public sealed class ReceiverProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<JsonElement> _requests = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _arrived = new(0);

    public string Url => $"http://127.0.0.1:{_port.Task.Result}/hook";

    /// <summary>Every request received so far, as the receiver logged it.</summary>
    public IReadOnlyList<JsonElement> Requests => _requests.ToList();

    private ReceiverProcess(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Path.Combine(RepoRoot(), "tests", "E2E", "Receivers"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[receiver] {e.Data}"); };
        _process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException($"{program} {arguments} exited early"));
    }

    /// <summary>The Standard Webhooks receiver (Node, npm standardwebhooks); answers 500 to its first <paramref name="failFirst"/> requests.</summary>
    public static Task<ReceiverProcess> StandardAsync(string secret, int failFirst = 0) =>
        StartAsync(new ReceiverProcess("node", $"standard-receiver.mjs --port 0 --secret {secret} --fail-first {failFirst}"));

    /// <summary>The seed-002 receiver (Python, X-Webhook-Signature hex HMAC).</summary>
    public static Task<ReceiverProcess> HexAsync(string secret) =>
        StartAsync(new ReceiverProcess("python3", $"hex_receiver.py --port 0 --secret {secret}"));

    /// <summary>An endpoint for assistant actions (Python): records every request and answers 200 with <paramref name="respondJson"/>.</summary>
    public static Task<ReceiverProcess> EchoAsync(string respondJson) =>
        StartAsync(new ReceiverProcess("python3", "echo_receiver.py --port 0 --respond-base64 " +
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(respondJson)))); // base64: no quoting rules to get wrong

    /// <summary>A receiver on Python's <c>http.server</c> as it comes (HTTP/1.0): answers 200, closing the connection after each answer.</summary>
    public static Task<ReceiverProcess> Http10Async() =>
        StartAsync(new ReceiverProcess("python3", "http10_receiver.py --port 0"));

    private static async Task<ReceiverProcess> StartAsync(ReceiverProcess receiver)
    {
        receiver._process.Start();
        receiver._process.BeginOutputReadLine();
        receiver._process.BeginErrorReadLine();
        await receiver._port.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return receiver;
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests (those <paramref name="match"/> accepts, if given) have arrived, or
    /// fails after <paramref name="timeout"/>; returns them. The list fills from the child's output a moment after it answered,
    /// so a test reads it through this, never straight after its own HTTP call returned.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForRequestsAsync(int count, TimeSpan timeout, Func<JsonElement, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        List<JsonElement> Matching() => _requests.Where(r => match is null || match(r)).ToList();
        while (Matching().Count < count)
        {
            try { await _arrived.WaitAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"Expected {count} requests, got {Matching().Count} within {timeout.TotalSeconds} s: {string.Join("\n", _requests)}"); }
        }
        return Matching();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            _port.TrySetResult(int.Parse(line["LISTENING ".Length..]));
            return;
        }
        _requests.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
        _arrived.Release();
    }

    /// <summary>The repository root (the folder holding Console.sln).</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Console.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Console.sln not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
