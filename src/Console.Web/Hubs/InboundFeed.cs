using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Hubs;

/// <summary>
/// Turns the engine's inbound notifications into in-process events for Blazor components (the raw request log updates
/// live) and into <c>InboundRequestChanged</c> messages on <c>/hubs/deliveries</c> for external clients.
/// </summary>
public sealed class InboundFeed(IHubContext<DeliveriesHub, IDeliveriesClient> hub) : IInboundObserver
{
    /// <summary>Raised when a request is logged or its processing moves on. Handlers must be quick.</summary>
    public event Action<InboundRequestChanged>? Changed;

    public void RequestChanged(InboundRequestChanged change)
    {
        Changed?.Invoke(change);
        _ = hub.Clients.All.InboundRequestChanged(change); // fire and forget: a slow client must not hold up receiving
    }
}
