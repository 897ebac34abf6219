using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using WebhookConsole.Engine.Access;
using WebhookConsole.Web.Api;

namespace WebhookConsole.Web.Access;

/// <summary>An API key may only do what its scope allows; a signed-in person may read, and change only as an admin.</summary>
public sealed class ApiScopeRequirement : IAuthorizationRequirement;

/// <summary>
/// The one place that says which scope a request needs: <c>publish</c> for publishing events, <c>read</c> for any other
/// GET (and <c>/metrics</c>), <c>full</c> for everything else and for managing keys and the team. A signed-in person (the
/// sign-in cookie) may do what needs <c>read</c>; anything else only as an admin: a viewer gets 403, whatever a page showed.
/// </summary>
public sealed class ApiScopeHandler : AuthorizationHandler<ApiScopeRequirement>
{
    /// <summary>The claim holding an API key's scope.</summary>
    public const string ScopeClaim = "api_key_scope";

    /// <summary>The scope a request needs, and which scopes grant it.</summary>
    public static (string Needed, string[] Granted) Required(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/api/v1/api-keys") || path.StartsWithSegments("/api/v1/users"))
            return (ApiKeyScopes.Full, [ApiKeyScopes.Full]);
        if (HttpMethods.IsPost(request.Method) && (path.Equals("/api/v1/events") || path.Equals("/api/v1/events/batch")))
            return (ApiKeyScopes.Publish, [ApiKeyScopes.Full, ApiKeyScopes.Publish]);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || path.StartsWithSegments("/hubs"))
            return (ApiKeyScopes.Read, [ApiKeyScopes.Full, ApiKeyScopes.Read]);
        return (ApiKeyScopes.Full, [ApiKeyScopes.Full]);
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var scope = context.User.FindFirst(ScopeClaim)?.Value;
        if (http is null)
        {
            context.Succeed(requirement); // a hub method call: the connection was authorized when it opened
            return Task.CompletedTask;
        }
        var (needed, granted) = Required(http.Request);
        if (scope is null)
        {
            // The sign-in cookie: a person reads whatever a read key may; every other request is an admin's.
            if (needed == ApiKeyScopes.Read || context.User.IsInRole(Roles.Admin))
                context.Succeed(requirement);
            else
                context.Fail(new AuthorizationFailureReason(this, AuthenticationStateExtensions.ViewerRefusal +
                    $" ({http.Request.Method} {http.Request.Path} needs an admin or a key with scope '{needed}'.)"));
            return Task.CompletedTask;
        }
        if (granted.Contains(scope))
            context.Succeed(requirement);
        else
            context.Fail(new AuthorizationFailureReason(this,
                $"This key's scope is '{scope}'; {http.Request.Method} {http.Request.Path} needs a key with scope '{needed}'" +
                (needed == ApiKeyScopes.Full ? "." : $" or '{ApiKeyScopes.Full}'.")));
        return Task.CompletedTask;
    }
}

/// <summary>Answers a refused API call with problem+json that names the scope it needs (the default says only 403).</summary>
public sealed class ApiScopeResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && result.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is ApiScopeHandler) is { } reason)
        {
            var byKey = context.User.FindFirst(ApiScopeHandler.ScopeClaim) is not null;
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
                byKey ? "This API key's scope does not allow that" : "Viewers cannot change anything", reason.Message);
            return;
        }
        if (result.Challenged && context.Request.Path.StartsWithSegments("/api"))
        {
            // Only the key's challenge (401 problem+json): the cookie's would redirect a script to the sign-in page.
            await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
