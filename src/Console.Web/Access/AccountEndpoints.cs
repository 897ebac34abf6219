using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace WebhookConsole.Web.Access;

/// <summary>
/// Sign-out: a form POST with an antiforgery token (sign-in is the static <c>/login</c> page). And <c>/account/active</c>, where an
/// open page reports that its person is at work: the cookie's check records it (<see cref="SessionActivity"/>) and slides the
/// cookie on, so a day on one page does not end in a sign-in form at the next reload.
/// </summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // [FromForm] makes the endpoint validate the antiforgery token the sign-out form carries.
        app.MapPost("/logout", async (HttpContext context, [FromForm] string? returnUrl) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login?signedOut=1");
        });
        // Nothing to do here: authenticating the request touched the sign-in. An idle or ended one gets 401 (no redirect to the form).
        app.MapPost("/account/active", (HttpContext context) =>
                context.User.Identity?.IsAuthenticated == true ? Results.NoContent() : Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    title: "Signed out", detail: "This sign-in has ended (idle, or the password or role changed). Sign in again at /login."))
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }
}
