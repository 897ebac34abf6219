using System.Security.Claims;

namespace WebhookConsole.Web.Api;

/// <summary>Who the audit log names for a change made over the API: the person signed in, or the key ("api").</summary>
internal static class ApiActor
{
    internal static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "api";
}
