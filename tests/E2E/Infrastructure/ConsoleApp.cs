using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var app = Path.Combine(directory, "WebhookConsole.Web");
        var start = new ProcessStartInfo(_smallDisk is null ? app : "unshare")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_smallDisk is var (megabytes, ballast))
        {
            // A mount namespace of its own (the user namespace lets an unprivileged user mount too): the data folder is a
            // tmpfs of that size, with a ballast file taking part of it; then sh execs the console in its place (same pid).
            foreach (var arg in (string[])["--mount", "--map-root-user", "--propagation", "private", "sh", "-c",
                         "mount -t tmpfs -o size=\"$3\"m tmpfs \"$1\" && dd if=/dev/zero of=\"$1/ballast\" bs=1M count=\"$4\" status=none && exec \"$2\"",
                         "sh", DataDirectory, app, megabytes.ToString(), ballast.ToString()])
                start.ArgumentList.Add(arg);
        }
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

    private (int Megabytes, int BallastMegabytes)? _smallDisk;

    /// <summary>
    /// Starts the console with its data folder on a real filesystem of <paramref name="megabytes"/> (a tmpfs in a mount namespace
    /// of the console's own), <paramref name="ballastMegabytes"/> of it taken by a file that <see cref="FreeBallast"/> deletes:
    /// the disk fills up as the console writes, and space returns when the ballast goes.
    /// </summary>
    public Task StartOnSmallDiskAsync(int megabytes, int ballastMegabytes, IReadOnlyDictionary<string, string>? settings = null)
    {
        using (var probe = Process.Start(new ProcessStartInfo("unshare", ["--mount", "--map-root-user", "true"]) { RedirectStandardError = true })!)
        {
            probe.WaitForExit();
            if (probe.ExitCode != 0)
                throw new InvalidOperationException("This test needs a mount namespace (unshare --mount --map-root-user) to give the console a small disk: " +
                                                    probe.StandardError.ReadToEnd() + " Run it as root or where unprivileged user namespaces are allowed.");
        }
        _smallDisk = (megabytes, ballastMegabytes);
        return StartAsync(settings);
    }

    /// <summary>The data folder as the console sees it (through its own mount namespace while on a small disk).</summary>
    public string DataDirectoryOfProcess => _smallDisk is null ? DataDirectory : $"/proc/{ProcessId}/root{DataDirectory}";

    /// <summary>"Space returns": deletes the ballast file from the console's small disk.</summary>
    public void FreeBallast() => File.Delete(Path.Combine(DataDirectoryOfProcess, "ballast"));

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

    /// <summary>The console's process id (while it runs).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The console is not running.");

    /// <summary>Every TCP connection a <see cref="Client"/> opened: its local and remote end.</summary>
    public IReadOnlyList<(IPEndPoint Local, IPEndPoint Remote)> Connections => _connections.ToList();

    private readonly ConcurrentQueue<(IPEndPoint Local, IPEndPoint Remote)> _connections = new();

    /// <summary>
    /// An HTTP client for the console, with the bootstrap API key unless <paramref name="apiKey"/> says otherwise. Its every
    /// request crosses a real TCP socket to the console's process (each connection is recorded in <see cref="Connections"/>).
    /// </summary>
    public HttpClient Client(string? apiKey = BootstrapKey)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    _connections.Enqueue(((IPEndPoint)socket.LocalEndPoint!, (IPEndPoint)socket.RemoteEndPoint!));
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
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
