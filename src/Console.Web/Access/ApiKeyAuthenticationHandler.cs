using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Access;
using WebhookConsole.Web.Api;

namespace WebhookConsole.Web.Access;

/// <summary>Authenticates API calls by <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyIdClaim = "api_key_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey(Request);
        if (presented is null)
            return AuthenticateResult.NoResult();
        var key = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"api-key:{key.Name}"), new Claim(ApiKeyIdClaim, key.Id.ToString()),
                new Claim(ApiScopeHandler.ScopeClaim, key.Scope),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var detail = ReadKey(Request) is null
            ? "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. Keys are created in Settings → API keys."
            : "The API key is not valid or has been revoked. Create a new one in Settings → API keys.";
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "An API key is required", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "This API key may not do that", null);

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var apiKey) && !string.IsNullOrWhiteSpace(apiKey))
            return apiKey.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }
}
