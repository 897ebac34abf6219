using Microsoft.OpenApi;

namespace WebhookConsole.Web.Api;

/// <summary>The served OpenAPI document (<c>/openapi/v1.json</c>) with the API-key security schemes.</summary>
public static class OpenApiExtensions
{
    private const string Bearer = "bearer";
    private const string HeaderKey = "apiKey";

    public static IServiceCollection AddConsoleOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Webhook Console API",
                Version = "v1",
                Description = "Publish events, manage outbound webhooks, inbound URLs, mappings, assistant sessions and actions, API keys and the team. " +
                              "Every /api/v1 route needs an API key (Settings → API keys) as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. " +
                              "A key's scope limits it: full (everything), publish (POST /api/v1/events and /batch only), read (GET only, and /metrics); " +
                              "/api/v1/api-keys and /api/v1/users need full. The console's sign-in cookie also works: any person reads, only an admin changes. " +
                              "A request outside its scope or role gets 403 problem+json naming what it needs. " +
                              "Errors are application/problem+json (RFC 9457).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key as a bearer token.",
            };
            document.Components.SecuritySchemes[HeaderKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "An API key in the X-Api-Key header.",
            };
            foreach (var (path, item) in document.Paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderKey, document)] = [] },
                ];
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or a wrong or revoked one (problem+json)." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's scope, or the signed-in person's role (viewer), does not allow this request (problem+json naming what it needs)." });
            }
            // The inbound URL reads its body itself (any content type reaches it, to be logged): describe what it accepts.
            if (document.Paths.TryGetValue("/in/{token}", out var inbound) && inbound.Operations?.TryGetValue(HttpMethod.Post, out var receive) == true)
                receive.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The payload: a JSON value (application/json, or text/plain holding JSON) or form fields, up to Inbound:MaxBodyBytes.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                        ["application/x-www-form-urlencoded"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                    },
                };
            return Task.CompletedTask;
        }));
}
