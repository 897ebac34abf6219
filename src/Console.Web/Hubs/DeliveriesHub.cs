using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Web.Hubs;

/// <summary>What the live delivery feed sends its clients.</summary>
public interface IDeliveriesClient
{
    Task AttemptRecorded(AttemptRecorded attempt);
    Task DeliveryStateChanged(DeliveryStateChanged change);
}

/// <summary>The live delivery feed at <c>/hubs/deliveries</c>: a signed-in admin (cookie) or an API key may listen.</summary>
[Authorize(AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme + "," + ApiKeyAuthenticationHandler.SchemeName)]
public sealed class DeliveriesHub : Hub<IDeliveriesClient>;
