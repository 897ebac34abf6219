using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>The real console, started as its own process on a free 127.0.0.1 port with a temporary database.</summary>
public sealed partial class ConsoleApp : IAsyncDisposable
{
    public const string AdminEmail = "e2e-admin@example.com";
    public const string AdminPassword = "e2e-password-Secret-1";
    public const string BootstrapKey = "wc_e2e_bootstrap_key_0123456789abcdef";

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>The folder holding this instance's database (kept across restarts).</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "wc-e2e-" + Guid.NewGuid().ToString("N"));
    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>Everything the process has written to stdout and stderr so far.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts the console and waits until it reports where it listens.</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        Directory.CreateDirectory(DataDirectory);
        var directory = typeof(ConsoleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ConsoleWebDirectory").Value!;
        var start = new ProcessStartInfo(Path.Combine(directory, "WebhookConsole.Web"))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Console"] = $"Data Source={Path.Combine(DataDirectory, "console.db")}";
        start.Environment["Console__Admin__Email"] = AdminEmail;
        start.Environment["Console__Admin__Password"] = AdminPassword;
        start.Environment["Console__ApiKeys__Bootstrap"] = BootstrapKey;
        start.Environment["Webhooks__AllowHttp"] = "true";
        start.Environment["Webhooks__AllowPrivateNetworks"] = "true";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The console exited during start-up:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills the process at once (SIGKILL, like <c>kill -9</c>): no shutdown, no grace, whatever was in flight is cut.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops the process as a service manager would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false } process)
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString()]);
            await term.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>An HTTP client for the console, with the bootstrap API key unless <paramref name="apiKey"/> says otherwise.</summary>
    public HttpClient Client(string? apiKey = BootstrapKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
            listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
