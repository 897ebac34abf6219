using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace WebhookConsole.Web.Access;

/// <summary>Sign-out: a form POST with an antiforgery token (sign-in is the static <c>/login</c> page).</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app) =>
        // [FromForm] makes the endpoint validate the antiforgery token the sign-out form carries.
        app.MapPost("/logout", async (HttpContext context, [FromForm] string? returnUrl) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login?signedOut=1");
        });
}
