using Microsoft.OpenApi.Models;

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
                Description = "Publish events, manage outbound webhooks, inbound URLs, mappings, assistant sessions and actions. " +
                              "Every /api/v1 route needs an API key (Settings → API keys) as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. " +
                              "Errors are application/problem+json (RFC 9457).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key as a bearer token.",
            };
            document.Components.SecuritySchemes[HeaderKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "An API key in the X-Api-Key header.",
            };
            foreach (var (path, item) in document.Paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
            foreach (var operation in item.Operations.Values)
            {
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [Ref(Bearer)] = [] },
                    new OpenApiSecurityRequirement { [Ref(HeaderKey)] = [] },
                ];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or a wrong or revoked one (problem+json)." });
            }
            // The inbound URL reads its body itself (any content type reaches it, to be logged): describe what it accepts.
            if (document.Paths.TryGetValue("/in/{token}", out var inbound) && inbound.Operations.TryGetValue(OperationType.Post, out var receive))
                receive.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The payload: a JSON value (application/json, or text/plain holding JSON) or form fields, up to Inbound:MaxBodyBytes.",
                    Content =
                    {
                        ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = "object" } },
                        ["application/x-www-form-urlencoded"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = "object" } },
                    },
                };
            return Task.CompletedTask;
        }));

    private static OpenApiSecurityScheme Ref(string id) =>
        new() { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = id } };
}
