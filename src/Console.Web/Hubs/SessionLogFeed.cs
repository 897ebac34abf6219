using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Web.Hubs;

/// <summary>
/// Turns session log entries into in-process events for Blazor components and <c>SessionLogAdded</c> messages on the
/// deliveries hub (<c>/hubs/deliveries</c>) for external clients, as the API contract says.
/// </summary>
public sealed class SessionLogFeed(IHubContext<DeliveriesHub> hub) : ISessionLogObserver
{
    /// <summary>The hub method external clients listen to.</summary>
    public const string HubMethod = "SessionLogAdded";

    /// <summary>Raised for every entry. Handlers must be quick (components should InvokeAsync).</summary>
    public event Action<SessionLogAdded>? EntryWritten;

    public void EntryAdded(SessionLogAdded entry)
    {
        EntryWritten?.Invoke(entry);
        // Untyped send: the hub's typed client interface belongs to the delivery feed; fire and forget like it.
        _ = hub.Clients.All.SendAsync(HubMethod, new
        {
            entry.EntryId, entry.SessionId, entry.ActionId, entry.ActionName, StatusCode = entry.StatusCode, entry.DurationMs, entry.At, entry.Error,
        });
    }
}
