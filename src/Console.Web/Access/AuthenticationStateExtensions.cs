using Microsoft.AspNetCore.Components.Authorization;

namespace WebhookConsole.Web.Access;

/// <summary>Who is acting, for the audit log, as components see the signed-in person.</summary>
public static class AuthenticationStateExtensions
{
    /// <summary>The signed-in person's name (their email), or "unknown".</summary>
    public static async Task<string> ActorAsync(this Task<AuthenticationState> state) =>
        (await state).User.Identity?.Name ?? "unknown";
}
