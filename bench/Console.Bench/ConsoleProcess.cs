using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace WebhookConsole.Bench;

/// <summary>
/// The real console as its own process (the Console.Web build beside the bench) on a free 127.0.0.1 port, logging at Warning, with
/// the bench's bootstrap key and whatever settings a scenario adds (its store among them).
/// </summary>
public sealed partial class ConsoleProcess : IAsyncDisposable
{
    public const string Key = "wc_bench_bootstrap_key_0123456789abcdef";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ConsoleProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>CPU time the process has used so far.</summary>
    public TimeSpan CpuTime { get { _process.Refresh(); return _process.TotalProcessorTime; } }

    /// <summary>Starts the console with <paramref name="settings"/> (environment variables) and waits until it listens.</summary>
    public static async Task<ConsoleProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var web = Path.Combine(AppContext.BaseDirectory, "WebhookConsole.Web.dll");
        var start = new ProcessStartInfo("dotnet", [web]) { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Console__ApiKeys__Bootstrap"] = Key;
        start.Environment["Console__Admin__Email"] = "bench@example.com";
        start.Environment["Console__Admin__Password"] = "bench-password-Secret-1";
        start.Environment["Webhooks__AllowHttp"] = "true";
        start.Environment["Webhooks__AllowPrivateNetworks"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // the "Now listening on" line
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var console = new ConsoleProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (console._output) console._output.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } m)
                ready.TrySetResult(new Uri(m.Groups[1].Value.TrimEnd('/') + "/"));
        }
        var process = console._process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => { lock (console._output) ready.TrySetException(new InvalidOperationException($"The console exited:\n{console._output}")); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            console.BaseAddress = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await console.DisposeAsync();
            throw;
        }
        return console;
    }

    /// <summary>An HTTP client for the console with the bench's key.</summary>
    public HttpClient Client(int connections = 8)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
