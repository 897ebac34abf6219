using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Access;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/api-keys</c>: a <c>full</c> key creates, lists and revokes keys, so a deployment script can hand a service a <c>publish</c> key.</summary>
public static class ApiKeysEndpoints
{
    /// <summary>A key as lists show it: never the key itself.</summary>
    public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, string Scope, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt,
        DateTimeOffset? RevokedAt, string? CreatedBy)
    {
        public static ApiKeyDto From(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.Scope, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.CreatedBy);
    }

    /// <summary>A key just made: <see cref="Key"/> is shown this once.</summary>
    public sealed record CreatedApiKeyDto(Guid Id, string Name, string Prefix, string Scope, string Key);

    /// <summary>What a new key is called and may do (<c>full</c>, <c>publish</c> or <c>read</c>; <c>full</c> when left out).</summary>
    public sealed record ApiKeyRequest(string? Name, string? Scope);

    public static void MapApiKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys");

        group.MapPost("/", async Task<Results<Created<CreatedApiKeyDto>, ValidationProblem>> (ApiKeyRequest request, ApiKeyService keys, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var scope = string.IsNullOrWhiteSpace(request.Scope) ? ApiKeyScopes.Full : request.Scope.Trim().ToLowerInvariant();
                if (!ApiKeyScopes.IsKnown(scope))
                    return Invalid("scope", $"The scope is one of {string.Join(", ", ApiKeyScopes.All)} (publish: only POST /api/v1/events and /batch; read: only GET).");
                try
                {
                    var (key, plaintext) = await keys.CreateAsync(request.Name ?? "", ApiActor.Actor(user), scope, ct);
                    return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new CreatedApiKeyDto(key.Id, key.Name, key.Prefix, key.Scope, plaintext));
                }
                catch (ArgumentException e) when (e.ParamName == "name") { return Invalid("name", e.Message.Split(" (Parameter")[0]); }
            })
            .WithSummary("Creates a key {name, scope: full|publish|read}; the answer holds the key itself, shown only this once. Needs a full key.");

        group.MapGet("/", async (ApiKeyService keys, CancellationToken ct) => (await keys.ListAsync(ct)).Select(ApiKeyDto.From).ToList())
            .WithSummary("Every key, newest first, revoked ones included: name, prefix, scope, created, last used. Needs a full key.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ApiKeyService keys, ClaimsPrincipal user, CancellationToken ct) =>
                await keys.RevokeAsync(id, ApiActor.Actor(user), ct)
                    ? TypedResults.NoContent()
                    : TypedResults.Problem(title: "No such API key", detail: $"No active API key has the id {id}.", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("Revokes a key: it stops working at once. Needs a full key.");
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The key was not created");
}
