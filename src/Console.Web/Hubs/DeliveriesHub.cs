using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine;

namespace WebhookConsole.Web.Hubs;

/// <summary>The live delivery feed at <c>/hubs/deliveries</c>: a signed-in person (cookie) or an API key with scope read or full may listen.</summary>
[Authorize(Policy = WebhookConsole.Web.Extensions.ConsoleWebExtensions.HubPolicy)]
public sealed class DeliveriesHub : Hub<IDeliveriesClient>;
