using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Api;

/// <summary><c>POST /in/{token}</c>: an inbound webhook's unique URL. No API key: the unguessable token is the credential.</summary>
public static class InboundReceiveEndpoints
{
    /// <summary>The answer to an accepted request.</summary>
    public sealed record InboundAccepted(Guid Id);

    public static void MapInboundReceiver(this IEndpointRouteBuilder app)
    {
        app.MapPost("/in/{token}", ReceiveAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Inbound")
            .WithSummary("An inbound webhook's URL: JSON (or form fields) in, 202 {id} out once stored; processing happens after. " +
                         "A repeated webhook-id / Idempotency-Key / X-Request-Id is answered with the first request's id. " +
                         "400 names the line and column of malformed JSON; 401 failed verification; 404 unknown or disabled URL; " +
                         "413 over Inbound:MaxBodyBytes (default 1 MB); 415 unreadable content type; 503 with Retry-After when the store is full (nothing " +
                         "was stored: send it again). Every answer but 404 and 503 is in the request log.")
            // No Accepts(...) here: it would make routing skip this endpoint for other content types (the page fallback
            // would answer). Every content type reaches the receiver, which answers 415 and logs it; OpenApiExtensions
            // describes the request body.
            .Produces<InboundAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Answered without looking the token up: a GET reveals nothing about which URLs exist.
        app.MapMethods("/in/{token}", ["GET", "PUT", "PATCH", "DELETE"], (HttpContext context) =>
            {
                context.Response.Headers.Allow = "POST";
                return TypedResults.Problem(title: "Inbound URLs take POST",
                    detail: "Send the payload as a POST with a JSON body (or form fields).", statusCode: StatusCodes.Status405MethodNotAllowed);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private static async Task ReceiveAsync(string token, HttpContext context, InboundReceiver receiver, IOptions<InboundOptions> options,
        Engine.Telemetry.EngineMetrics metrics, CancellationToken ct)
    {
        var (body, length, tooLarge) = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, ct);
        var headers = context.Request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? ""))).ToList();
        var address = context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;
        InboundReceipt receipt;
        try
        {
            receipt = await receiver.ReceiveAsync(new IncomingRequest(token, address, headers, context.Request.ContentType, body, length, tooLarge), ct);
        }
        catch (Exception e) when (Engine.Persistence.StoreSpace.IsFull(e))
        {
            // Nothing could be stored, not even the log row: the 503 tells the sender to send it again, which is what brings it in.
            metrics.InboundAnswered(StatusCodes.Status503ServiceUnavailable);
            await StoreFullHandler.WriteAsync(context);
            return;
        }
        metrics.InboundAnswered(receipt.Status);

        if (receipt.Title is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            await context.Response.WriteAsJsonAsync(new InboundAccepted(receipt.RequestId!.Value), ct);
            return;
        }
        context.Response.StatusCode = receipt.Status;
        var problem = new ProblemDetails { Status = receipt.Status, Title = receipt.Title, Detail = receipt.Detail };
        if (receipt.RequestId is { } id)
            problem.Extensions["requestId"] = id; // the console's log has this request under this id
        await context.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", ct);
    }

    // Keeps up to the limit (or the first 64 KB of a larger body, for the log) and reads the rest away, so the sender
    // gets the 413 instead of a reset connection. Kestrel's own limit (30 MB) ends the read of anything bigger.
    private static async Task<(byte[] Body, long Length, bool TooLarge)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        long total = 0;
        var tooLarge = request.ContentLength > limit;
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                total += n;
                tooLarge |= total > limit;
                var room = (tooLarge ? InboundOptions.LoggedPrefixBytes : limit) - kept.Length;
                if (room > 0)
                    kept.Write(buffer, 0, (int)Math.Min(room, n));
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            tooLarge = true;
        }
        var body = kept.ToArray();
        if (tooLarge && body.Length > InboundOptions.LoggedPrefixBytes)
            body = body[..InboundOptions.LoggedPrefixBytes];
        return (body, Math.Max(total, request.ContentLength ?? 0), tooLarge);
    }
}
