using WebhookConsole.Engine;
using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Web.Hubs;

/// <summary>
/// Turns the engine's delivery notifications into hub messages (<c>/hubs/deliveries</c>) and in-process events that
/// Blazor components subscribe to (a component lives on the server, next to the engine).
/// </summary>
public sealed class DeliveryFeed(IHubContext<DeliveriesHub, IDeliveriesClient> hub) : IDeliveryObserver
{
    /// <summary>Raised for every recorded attempt. Handlers must be quick (components should batch and InvokeAsync).</summary>
    public event Action<AttemptRecorded>? Attempt;

    /// <summary>Raised for every delivery state change.</summary>
    public event Action<DeliveryStateChanged>? StateChanged;

    public void AttemptRecorded(AttemptRecorded attempt)
    {
        Attempt?.Invoke(attempt);
        _ = hub.Clients.All.AttemptRecorded(attempt); // fire and forget: a slow client must not hold up delivery
    }

    public void DeliveryStateChanged(DeliveryStateChanged change)
    {
        StateChanged?.Invoke(change);
        _ = hub.Clients.All.DeliveryStateChanged(change);
    }
}
