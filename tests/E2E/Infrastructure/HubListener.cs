using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// Listens to the console's hub with the SignalR .NET client, as an external service would, through the hub's own typed
/// client interface. Each message is kept as the JSON the hub sent, so tests read it as any client would.
/// </summary>
public sealed class HubListener : IDeliveriesClient, IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentQueue<(string Target, JsonElement Argument)> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private HubListener(HubConnection connection)
    {
        _connection = connection;
        connection.On<AttemptRecorded>(nameof(IDeliveriesClient.AttemptRecorded), AttemptRecorded);
        connection.On<DeliveryStateChanged>(nameof(IDeliveriesClient.DeliveryStateChanged), DeliveryStateChanged);
        connection.On<InboundRequestChanged>(nameof(IDeliveriesClient.InboundRequestChanged), InboundRequestChanged);
        connection.On<SessionLogAdded>(nameof(IDeliveriesClient.SessionLogAdded), SessionLogAdded);
    }

    /// <summary>Connects to <paramref name="hubUrl"/> with the given headers; throws <see cref="HttpRequestException"/> on 401.</summary>
    public static async Task<HubListener> ConnectAsync(Uri hubUrl, IReadOnlyDictionary<string, string> headers)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, o =>
            {
                foreach (var (key, value) in headers)
                    o.Headers[key] = value;
            })
            .Build();
        var listener = new HubListener(connection);
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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

    public Task AttemptRecorded(AttemptRecorded attempt) => Keep(nameof(AttemptRecorded), attempt);
    public Task DeliveryStateChanged(DeliveryStateChanged change) => Keep(nameof(DeliveryStateChanged), change);
    public Task InboundRequestChanged(InboundRequestChanged change) => Keep(nameof(InboundRequestChanged), change);
    public Task SessionLogAdded(SessionLogAdded entry) => Keep(nameof(SessionLogAdded), entry);

    private Task Keep<T>(string target, T argument)
    {
        _messages.Enqueue((target, JsonSerializer.SerializeToElement(argument, JsonSerializerOptions.Web)));
        _arrived.Release();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
