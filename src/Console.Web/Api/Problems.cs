using Microsoft.AspNetCore.Mvc;

namespace WebhookConsole.Web.Api;

/// <summary>Writes RFC 9457 problem+json answers that a person can act on.</summary>
public static class Problems
{
    /// <summary>Writes a problem+json body with the given status, title and detail.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
