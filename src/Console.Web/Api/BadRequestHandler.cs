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
        var detail = bad.InnerException is JsonException json
            ? $"The request body is not valid JSON for this route: {json.Message}" +
              (json.LineNumber is { } line ? $" (line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1})" : "")
            : bad.Message;
        await Problems.WriteAsync(context, bad.StatusCode, "The request could not be read", detail);
        return true;
    }
}
