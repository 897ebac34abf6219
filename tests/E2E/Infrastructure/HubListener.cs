using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// A SignalR client speaking the hub's JSON protocol over a WebSocket (negotiate, handshake, invocation frames): the
/// SignalR client package cannot restore on these machines, and the protocol is small and documented.
/// </summary>
public sealed class HubListener : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string Target, JsonElement Argument)> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private Task _reading = Task.CompletedTask;

    /// <summary>Negotiates and connects to <paramref name="hubUrl"/> with the given headers; throws on 401.</summary>
    public static async Task<HubListener> ConnectAsync(Uri hubUrl, IReadOnlyDictionary<string, string> headers)
    {
        using var http = new HttpClient();
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri(hubUrl + "/negotiate?negotiateVersion=1"));
        foreach (var (key, value) in headers) negotiate.Headers.Add(key, value);
        var response = await http.SendAsync(negotiate);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString();

        var listener = new HubListener();
        foreach (var (key, value) in headers) listener._socket.Options.SetRequestHeader(key, value);
        var ws = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws", Query = "id=" + token }.Uri;
        await listener._socket.ConnectAsync(ws, CancellationToken.None);
        await listener.SendAsync("""{"protocol":"json","version":1}""");
        listener._reading = listener.ReadAsync();
        return listener;
    }

    /// <summary>Waits for a message to <paramref name="target"/> whose argument satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = new List<(string, JsonElement)>();
        while (true)
        {
            while (_messages.TryDequeue(out var message))
            {
                seen.Add(message);
                if (message.Target == target && match(message.Argument))
                    return message.Argument;
            }
            try { await _arrived.WaitAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"No matching {target}; saw {seen.Count} messages."); }
        }
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, _stop.Token);

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var pending = new StringBuilder();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                var text = pending.ToString();
                var last = text.LastIndexOf(RecordSeparator);
                if (last < 0) continue;
                pending.Clear().Append(text[(last + 1)..]);
                foreach (var frame in text[..last].Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    var root = JsonDocument.Parse(frame).RootElement;
                    // type 1 = invocation; the handshake answer ({}) and pings (type 6) carry nothing to record
                    if (root.TryGetProperty("type", out var type) && type.GetInt32() == 1)
                    {
                        _messages.Enqueue((root.GetProperty("target").GetString()!, root.GetProperty("arguments")[0].Clone()));
                        _arrived.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _socket.Dispose();
    }
}
