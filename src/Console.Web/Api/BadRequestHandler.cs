using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace WebhookConsole.Web.Api;

/// <summary>Turns a body the API could not read (broken JSON, wrong types) into a 400 problem that says where and why.</summary>
public sealed class BadRequestHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        if (bad.InnerException is JsonException json)
        {
            // Which field, and what it takes, in the API's words (the body type comes from the route's own metadata;
            // the exception handler has cleared the endpoint, its feature keeps the one that threw).
            var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
            var bodyType = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
            var (field, message) = BodyErrors.Describe(json, bodyType);
            context.Response.StatusCode = bad.StatusCode;
            await context.Response.WriteAsJsonAsync(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = bad.StatusCode, Title = "The request could not be read", Detail = message, Instance = context.Request.Path,
            }, (JsonSerializerOptions?)null, "application/problem+json", ct);
            return true;
        }
        await Problems.WriteAsync(context, bad.StatusCode, "The request could not be read", BodyErrors.Reword(bad.Message));
        return true;
    }
}
