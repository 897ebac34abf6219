using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace WebhookConsole.Web.Api;

/// <summary>
/// What <c>/api/…</c> answers when no endpoint took the request. Routing skips an endpoint whose method or body type does
/// not match and lands here, so a route that exists says what it takes (405 with Allow, or 415 naming its content types);
/// only a path that is not part of the API gets 404.
/// </summary>
public static class ApiFallback
{
    public static void MapApiFallback(this IEndpointRouteBuilder app) =>
        app.MapFallback("/api/{**path}", (HttpContext context, EndpointDataSource endpoints) => Answer(context, endpoints));

    private static IResult Answer(HttpContext context, EndpointDataSource endpoints)
    {
        var request = context.Request;
        var routes = SamePath(endpoints, request.Path).ToList();
        var sameMethod = routes.Where(e => Methods(e).Contains(request.Method, StringComparer.OrdinalIgnoreCase)).ToList();
        if (sameMethod.Count > 0)
        {
            var types = sameMethod.SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [])
                .Distinct(StringComparer.OrdinalIgnoreCase).DefaultIfEmpty("application/json");
            return TypedResults.Problem(title: "This route does not take that content type",
                detail: $"{request.Method} {request.Path} takes {string.Join(", ", types)}" +
                        (request.ContentType is { Length: > 0 } type ? $", not {type.Split(';')[0]}." : "; the request said no Content-Type."),
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        if (routes.Count > 0)
        {
            var allowed = routes.SelectMany(Methods).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return TypedResults.Problem(title: "This route does not take that method",
                detail: $"{request.Path} takes {string.Join(", ", allowed)}, not {request.Method}. /openapi/v1.json describes each.",
                statusCode: StatusCodes.Status405MethodNotAllowed);
        }
        return TypedResults.Problem(title: "No such API route",
            detail: $"{request.Method} {request.Path} is not part of the API. /openapi/v1.json lists every route.",
            statusCode: StatusCodes.Status404NotFound);
    }

    private static IReadOnlyList<string> Methods(RouteEndpoint e) => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];

    // The API's own endpoints (no catch-alls) whose pattern, constraints included, matches this path.
    private static IEnumerable<RouteEndpoint> SamePath(EndpointDataSource endpoints, PathString path) =>
        endpoints.Endpoints.OfType<RouteEndpoint>().Where(e =>
        {
            var pattern = e.RoutePattern;
            if (pattern.RawText is not { } raw || !raw.StartsWith("/api/", StringComparison.Ordinal) || pattern.Parameters.Any(p => p.IsCatchAll))
                return false;
            var values = new RouteValueDictionary();
            return new TemplateMatcher(TemplateParser.Parse(raw), new RouteValueDictionary()).TryMatch(path, values)
                   && pattern.Parameters.All(p => Satisfies(p, values[p.Name]?.ToString()));
        });

    // The inline constraints this API uses; any other constraint is taken as met.
    private static bool Satisfies(Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter, string? value) =>
        parameter.ParameterPolicies.All(policy => policy.Content switch
        {
            "guid" => Guid.TryParse(value, out _),
            "int" or "long" => long.TryParse(value, out _),
            _ => true,
        });
}
