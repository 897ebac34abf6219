using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Inbound;

/// <summary>One page of an inbound webhook's request log, newest first.</summary>
public sealed record InboundRequestPage(IReadOnlyList<InboundRequest> Items, int Total);

/// <summary>Reads the raw request log and sends a request through processing again.</summary>
public sealed class InboundRequestLog(IDbContextFactory<ConsoleDbContext> dbFactory, InboundSignal signal, IInboundObserver observer)
{
    /// <summary>Requests newest first; <paramref name="outcome"/> narrows to one outcome.</summary>
    public async Task<InboundRequestPage> QueryAsync(Guid inboundId, InboundOutcome? outcome, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<InboundRequest>().AsNoTracking().Where(r => r.InboundWebhookId == inboundId);
        if (outcome is { } o)
            query = query.Where(r => r.Outcome == o);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id).Skip(skip).Take(take).ToListAsync(ct);
        return new InboundRequestPage(items, total);
    }

    public async Task<InboundRequest?> GetAsync(Guid requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<InboundRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
    }

    /// <summary>
    /// Queues an accepted request to be processed again with the webhook's current mapping (after a mapping was made or fixed).
    /// False when the request does not exist or was not accepted.
    /// </summary>
    public async Task<bool> ReprocessAsync(Guid requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Set<InboundRequest>().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is not { Outcome: InboundOutcome.Accepted } || request.Processing is InboundProcessing.Pending or InboundProcessing.Publishing)
            return request is { Outcome: InboundOutcome.Accepted };
        request.Processing = InboundProcessing.Pending;
        request.Result = null;
        request.Events = [];
        await db.SaveChangesAsync(ct);
        signal.Notify();
        observer.RequestChanged(new InboundRequestChanged(request.Id, request.InboundWebhookId, request.Status,
            InboundReceiver.Name(request.Outcome), InboundReceiver.Name(request.Processing), request.ReceivedAt));
        return true;
    }

    /// <summary>A logged request's payload for "Get Schema" (any request whose body reads as JSON or form data), or why there is none.</summary>
    public async Task<(JsonNode? Payload, string? Problem)> PayloadAsync(Guid requestId, CancellationToken ct = default)
    {
        var request = await GetAsync(requestId, ct);
        if (request is null)
            return (null, $"There is no logged request {requestId}.");
        if (request.Payload is not null)
            return (JsonNode.Parse(request.Payload), null);
        if (request.BodyTruncated)
            return (null, "Only the start of this request's body was kept (it was over the size limit), so it has no schema.");
        var read = PayloadReader.Read(request.ContentType, request.Body);
        return read.Payload is not null ? (read.Payload, null) : (null, read.Error);
    }

    /// <summary>The body as text (UTF-8; bytes that are not UTF-8 show as �).</summary>
    public static string BodyText(InboundRequest request) => Encoding.UTF8.GetString(request.Body);
}
