using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Engine;

/// <summary>
/// What the live feed at <c>/hubs/deliveries</c> sends its clients: the hub's typed client, shared with the .NET clients
/// that listen to it (the tests), so the method names and payloads cannot drift apart.
/// </summary>
public interface IDeliveriesClient
{
    Task AttemptRecorded(AttemptRecorded attempt);
    Task DeliveryStateChanged(DeliveryStateChanged change);
    Task InboundRequestChanged(InboundRequestChanged change);
    Task SessionLogAdded(SessionLogAdded entry);
}
