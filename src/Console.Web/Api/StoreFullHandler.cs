using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Web.Api;

/// <summary>
/// A request whose write found the store full (disk or size limit) answers <c>503</c> problem+json with <c>Retry-After</c>: nothing
/// of it was stored, so the sender sends it again later, and no 202 is ever given for what is not on disk.
/// </summary>
public sealed class StoreFullHandler : IExceptionHandler
{
    public const string Title = "The console cannot store anything right now";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!StoreSpace.IsFull(exception) || context.Response.HasStarted)
            return false;
        await WriteAsync(context);
        return true;
    }

    /// <summary>Writes the 503 with <c>Retry-After</c>.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)StoreSpace.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Title,
            $"Its disk is full, so nothing of this request was stored. Send it again in {StoreSpace.RetryAfter.TotalSeconds:0} seconds " +
            "(Retry-After); the console takes requests again by itself once there is room.");
    }
}
