using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using WebhookConsole.Engine.Access;

namespace WebhookConsole.Web.Access;

/// <summary>A change asked for by someone who may not make it (a viewer), refused on the server whatever the page showed.</summary>
public sealed class ChangeRefusedException(string message) : Exception(message);

/// <summary>Who is acting, as components see the signed-in person: the one guard every change made from a page passes.</summary>
public static class AuthenticationStateExtensions
{
    /// <summary>What a viewer is told when a change is refused (pages and API alike).</summary>
    public const string ViewerRefusal = "You are signed in as a viewer: viewers see every page and log but change nothing. Ask an admin.";

    /// <summary>
    /// The signed-in admin's name (their email) for the audit log. Anyone else (a viewer, or a stale page) is refused with
    /// <see cref="ChangeRefusedException"/> before anything is changed: every change handler on a page asks this first.
    /// </summary>
    public static async Task<string> AdminActorAsync(this Task<AuthenticationState> state)
    {
        var user = (await state).User;
        if (!CanEdit(user))
            throw new ChangeRefusedException(ViewerRefusal);
        return user.Identity!.Name ?? "unknown";
    }

    /// <summary>Whether <paramref name="user"/> may change things: a signed-in admin.</summary>
    public static bool CanEdit(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin);
}
