using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Inbound;

/// <summary>A request to <c>/in/{token}</c> as the host read it. A body over the limit holds only its first bytes.</summary>
public sealed record IncomingRequest(
    string Token, string? SourceAddress, IReadOnlyList<KeyValuePair<string, string>> Headers, string? ContentType,
    byte[] Body, long BodyLength, bool TooLarge);

/// <summary>What to answer the sender: the status, the stored request's id, or a problem's title and detail.</summary>
public sealed record InboundReceipt(int Status, Guid? RequestId, string? Title = null, string? Detail = null, bool Duplicate = false);

/// <summary>
/// Receives inbound requests: logs every one that reaches a known URL, refuses what fails the checks, and stores accepted
/// payloads for the processor (seed 002: respond fast, deduplicate, keep the raw payload).
/// </summary>
public sealed class InboundReceiver(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    InboundWebhookService webhooks,
    InboundSignal signal,
    Persistence.ICluster cluster,
    IInboundObserver observer,
    IOptions<InboundOptions> options,
    TimeProvider time)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The answer for an unknown or disabled token: the same words whichever it is.</summary>
    public static readonly InboundReceipt NotFound = new(404, null, "No such inbound URL",
        "Nothing receives requests at this URL. Check it against Settings → Inbound in the console.");

    public async Task<InboundReceipt> ReceiveAsync(IncomingRequest request, CancellationToken ct = default)
    {
        // One indexed lookup by hash, whatever the token: unknown and disabled take the same path and the same time.
        var hash = InboundToken.Hash(request.Token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var webhook = await db.Set<InboundWebhook>().AsNoTracking().FirstOrDefaultAsync(w => w.TokenHash == hash && w.Enabled, ct);
        if (webhook is null)
            return NotFound;

        var now = time.GetUtcNow();
        var settings = webhooks.Settings(webhook);
        string? Header(string name) =>
            request.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        var row = new InboundRequest
        {
            InboundWebhookId = webhook.Id,
            ReceivedAt = now,
            SourceAddress = request.SourceAddress,
            ContentType = request.ContentType is { Length: > 200 } c ? c[..200] : request.ContentType,
            Headers = InboundHeaders.ToLogJson(request.Headers, settings),
            Body = request.Body,
            BodyLength = request.BodyLength,
            BodyTruncated = request.TooLarge,
            DeliveryKey = InboundHeaders.DeliveryKey(Header),
            TraceParent = Telemetry.ConsoleTelemetry.CurrentTraceParent(),
        };

        InboundReceipt receipt;
        if (request.TooLarge)
            receipt = Refuse(row, InboundOutcome.TooLarge, 413, "The body is too large",
                $"The body is {request.BodyLength:N0} bytes; this inbound URL accepts at most {options.Value.MaxBodyBytes:N0} (setting Inbound:MaxBodyBytes).");
        else if (InboundVerifier.Check(settings, Header, request.Body, now) is { } why)
            receipt = Refuse(row, InboundOutcome.Unauthorized, 401, "The request did not pass verification", why);
        else
        {
            var read = PayloadReader.Read(request.ContentType, request.Body);
            if (read.Refused is { } refused)
                receipt = refused == InboundOutcome.Unsupported
                    ? Refuse(row, refused, 415, "Unsupported content type", read.Error!)
                    : Refuse(row, refused, 400, "The body is not valid JSON", read.Error!);
            else
                return await AcceptAsync(row, read.Payload!.ToJsonString(Relaxed), ct);
        }
        await StoreAsync(row, ct);
        return receipt;
    }

    private async Task<InboundReceipt> AcceptAsync(InboundRequest row, string payload, CancellationToken ct)
    {
        if (row.DeliveryKey is not null && await FirstWithKeyAsync(row, ct) is { } first)
            return await StoreDuplicateAsync(row, first, ct);
        row.Outcome = InboundOutcome.Accepted;
        row.Status = 202;
        row.Payload = payload;
        row.Processing = InboundProcessing.Pending;
        try
        {
            await StoreAsync(row, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is SqliteException { SqliteErrorCode: 19 } or Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // The same delivery id arrived concurrently and the other request was stored first.
            row = Copy(row);
            return await StoreDuplicateAsync(row, (await FirstWithKeyAsync(row, ct))!.Value, ct);
        }
        signal.Notify();
        cluster.InboundAccepted();
        return new InboundReceipt(202, row.Id);
    }

    private async Task<InboundReceipt> StoreDuplicateAsync(InboundRequest row, Guid first, CancellationToken ct)
    {
        row.Outcome = InboundOutcome.Duplicate;
        row.Status = 202;
        row.DuplicateOf = first;
        row.Processing = InboundProcessing.None;
        row.Result = $"Same delivery id as request {first}: answered with its id, not processed again.";
        await StoreAsync(row, ct);
        return new InboundReceipt(202, first, Duplicate: true);
    }

    private async Task<Guid?> FirstWithKeyAsync(InboundRequest row, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var first = await db.Set<InboundRequest>().AsNoTracking()
            .Where(r => r.InboundWebhookId == row.InboundWebhookId && r.DeliveryKey == row.DeliveryKey && r.Outcome == InboundOutcome.Accepted)
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
        return first;
    }

    private static InboundReceipt Refuse(InboundRequest row, InboundOutcome outcome, int status, string title, string detail)
    {
        row.Outcome = outcome;
        row.Status = status;
        row.Error = detail;
        row.Processing = InboundProcessing.None;
        return new InboundReceipt(status, row.Id, title, detail);
    }

    private async Task StoreAsync(InboundRequest row, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Add(row);
        await db.SaveChangesAsync(ct);
        try
        {
            await db.Set<InboundWebhook>().Where(w => w.Id == row.InboundWebhookId)
                .ExecuteUpdateAsync(u => u.SetProperty(w => w.LastRequestAt, row.ReceivedAt), ct);
        }
        catch (Exception e) when (StoreSpace.IsFull(e))
        {
            // The request is stored, so it is answered as such; only "last request at" is behind until the next one.
        }
        observer.RequestChanged(new InboundRequestChanged(row.Id, row.InboundWebhookId, row.Status, Name(row.Outcome), Name(row.Processing), row.ReceivedAt));
    }

    private static InboundRequest Copy(InboundRequest row) => new()
    {
        InboundWebhookId = row.InboundWebhookId, ReceivedAt = row.ReceivedAt, SourceAddress = row.SourceAddress, ContentType = row.ContentType,
        Headers = row.Headers, Body = row.Body, BodyLength = row.BodyLength, BodyTruncated = row.BodyTruncated, DeliveryKey = row.DeliveryKey,
    };

    /// <summary>An outcome or processing state as the API and the UI spell it.</summary>
    public static string Name<T>(T value) where T : struct, Enum => Naming.Snake(value.ToString());
}

/// <summary>Enum names in the API's spelling.</summary>
public static class Naming
{
    /// <summary>"TooLarge" → "too_large".</summary>
    public static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
