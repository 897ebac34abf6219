using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Web.Hubs;

/// <summary>
/// Turns session log entries into in-process events for Blazor components and <c>SessionLogAdded</c> messages on the
/// deliveries hub (<c>/hubs/deliveries</c>) for external clients, as the API contract says.
/// </summary>
public sealed class SessionLogFeed(IHubContext<DeliveriesHub, IDeliveriesClient> hub) : ISessionLogObserver
{
    /// <summary>Raised for every entry. Handlers must be quick (components should InvokeAsync).</summary>
    public event Action<SessionLogAdded>? EntryWritten;

    public void EntryAdded(SessionLogAdded entry)
    {
        EntryWritten?.Invoke(entry);
        _ = hub.Clients.All.SessionLogAdded(entry); // fire and forget: a slow client must not hold up the action
    }
}
