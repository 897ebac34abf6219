using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// A receiver that answers 200 in HTTP/1.0 and closes the connection after each answer, the way Python's <c>http.server</c> does
/// by default (one connection per request, shut down for sending and closed once the answer is written). Records each webhook-id.
/// </summary>
public sealed class Http10Receiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    /// <summary>The webhook-id of every request received, in full, so far.</summary>
    public ConcurrentQueue<string> WebhookIds { get; } = new();

    public string Url { get; }

    /// <summary>What it answers, status line and headers included; by default 200 with a 12-byte JSON body.</summary>
    public byte[] Answer { get; set; } = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"ok\": true}"u8.ToArray();

    private Http10Receiver()
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook";
        _accepting = AcceptAsync();
    }

    public static Http10Receiver Start() => new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = Task.Run(() => AnswerAsync(socket)); // a thread per connection, as ThreadingHTTPServer does
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await using var stream = new NetworkStream(socket);
                var head = await ReadHeadAsync(stream);
                if (head is null)
                    return;
                var headers = head.Split("\r\n").Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                    .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                var body = new byte[int.Parse(headers.GetValueOrDefault("Content-Length") ?? "0")];
                await stream.ReadExactlyAsync(body);
                WebhookIds.Enqueue(headers.GetValueOrDefault("webhook-id") ?? "");
                await stream.WriteAsync(Answer);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
            {
                // the client went away: nothing to answer
            }
        }
    }

    /// <summary>The request line and headers, up to the blank line; null when the connection ended first.</summary>
    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
                return null;
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString(head.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
