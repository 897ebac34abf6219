using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Inbound;

/// <summary>
/// Processes accepted requests after the sender got its 202: applies the inbound webhook's mapping, upserts the contact and
/// publishes <c>contact.created</c> / <c>contact.updated</c> (and the mapping's event). Runs what is pending at start, so a
/// request accepted before a crash is still processed; event ids derive from the request, so nothing is published twice.
/// </summary>
public sealed partial class InboundProcessor(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    EventPublisher publisher,
    InboundSignal signal,
    ICluster cluster,
    IInboundObserver observer,
    TimeProvider time,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One node at a time takes up inbound requests (on SQLite there is one): two would map one request twice at once.
                var processed = 0;
                if (!await cluster.RunExclusiveAsync("inbound", async ct => processed = await ProcessPendingAsync(ct), stoppingToken))
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), time, stoppingToken); // another node is at it; look again soon
                else if (processed == 0)
                    await signal.WaitAsync(MaxIdle, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (StoreSpace.IsFull(e))
            {
                // Said once by StoreSpace; the request stays pending (or publishing) and is taken up again once there is room.
                await signal.WaitAsync(TimeSpan.FromSeconds(2), time, stoppingToken);
            }
            catch (Exception e)
            {
                LogLoopFailed(e);
                await signal.WaitAsync(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    /// <summary>Processes every pending request, oldest first; returns how many it took up.</summary>
    public async Task<int> ProcessPendingAsync(CancellationToken ct = default)
    {
        List<Guid> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            pending = await db.Set<InboundRequest>().AsNoTracking()
                .Where(r => r.Processing == InboundProcessing.Pending || r.Processing == InboundProcessing.Publishing)
                .OrderBy(r => r.ReceivedAt).Select(r => r.Id).Take(100).ToListAsync(ct);
        }
        foreach (var id in pending)
            await ProcessAsync(id, ct);
        return pending.Count;
    }

    /// <summary>Processes one request from wherever it stands (pending, or stopped between saving and publishing).</summary>
    public async Task ProcessAsync(Guid requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Set<InboundRequest>().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is not { Processing: InboundProcessing.Pending or InboundProcessing.Publishing })
            return;
        // A child of the request that brought it in: the mapping and the deliveries it publishes join the request's trace.
        using var activity = Telemetry.ConsoleTelemetry.StartFrom("process inbound request", request.TraceParent, System.Diagnostics.ActivityKind.Consumer);
        activity?.SetTag("webhook_console.inbound.id", request.InboundWebhookId).SetTag("webhook_console.inbound.request_id", request.Id);
        try
        {
            if (request.Processing == InboundProcessing.Pending)
                await MapAsync(db, request, ct);
            if (request.Processing == InboundProcessing.Publishing)
            {
                foreach (var e in request.Events)
                    await publisher.PublishAsync(e.Type, JsonNode.Parse(e.Data), e.Id, request.ReceivedAt, ct);
                request.Processing = InboundProcessing.Processed;
                request.ProcessedAt = time.GetUtcNow();
                await db.SaveChangesAsync(ct);
            }
        }
        catch (Exception e) when ((e is not OperationCanceledException || !ct.IsCancellationRequested) && !StoreSpace.IsFull(e))
        {
            // (A full store is not the request's fault: it stays where it was and is processed once there is room.)
            // Failed, not retried forever: one bad request must not hold up the rest. "Process again" retries it.
            var why = e is ContactDataException or EventValidationException or System.Text.Json.JsonException
                ? e.Message : "Processing failed unexpectedly: " + e.Message;
            await FailAsync(request.Id, why, ct);
            return;
        }
        Notify(request);
    }

    // Step 1, one transaction: the contact and the events still to publish, stored together with the request's new state.
    private async Task MapAsync(ConsoleDbContext db, InboundRequest request, CancellationToken ct)
    {
        var webhook = await db.Set<InboundWebhook>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == request.InboundWebhookId, ct);
        var mapping = webhook?.MappingId is { } mappingId
            ? await db.Set<FieldMapping>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == mappingId, ct)
            : null;
        var now = time.GetUtcNow();
        if (mapping is null)
        {
            request.Processing = InboundProcessing.Unmapped;
            request.Result = "Kept in the log only: this inbound webhook has no mapping. Get Schema from this request to make one.";
            request.ProcessedAt = now;
            await db.SaveChangesAsync(ct);
            return;
        }

        // Its own span, a child of the processing: the trace shows which mapping turned the request into what it published.
        using var span = Telemetry.ConsoleTelemetry.Source.StartActivity("apply mapping " + mapping.Name);
        span?.SetTag("webhook_console.mapping.id", mapping.Id).SetTag("webhook_console.inbound.request_id", request.Id);
        var mapped = MappingApplier.Apply(mapping.Fields, JsonNode.Parse(request.Payload ?? "null"));
        var round = request.ProcessCount + 1;
        var events = new List<ProducedEvent>();
        var said = new List<string>();
        if (ContactData.From(mapped.Output) is { } contact)
        {
            var upsert = await ContactService.UpsertAsync(db, contact, $"inbound: {webhook!.Name}", webhook.Id, now, ct);
            request.ContactId = upsert.Contact.Id;
            var who = upsert.Contact.Name ?? upsert.Contact.Phone ?? upsert.Contact.Email;
            said.Add(upsert.Change switch
            {
                ContactChange.Created => $"Created contact {who}.",
                ContactChange.Updated => $"Updated contact {who} ({string.Join(", ", upsert.ChangedFields)}).",
                _ => $"Contact {who} is unchanged.",
            });
            if (upsert.Change != ContactChange.Unchanged)
            {
                var type = upsert.Change == ContactChange.Created ? "contact.created" : "contact.updated";
                events.Add(new ProducedEvent($"in_{request.Id:N}_{round}_contact", type, ContactService.EventData(upsert).ToJsonString()));
            }
        }
        if (mapping.EventType is { } eventType)
        {
            events.Add(new ProducedEvent($"in_{request.Id:N}_{round}_event", eventType, mapped.WithoutContact().ToJsonString()));
            said.Add($"Published {eventType}.");
        }
        if (said.Count == 0)
            said.Add($"The mapping \"{mapping.Name}\" has no contact field and no event type, so nothing was produced.");
        if (mapped.Missing.Count > 0)
            said.Add($"Not in this request: {string.Join(", ", mapped.Missing)}.");

        span?.SetTag("webhook_console.events", events.Count);
        request.Events = events;
        request.Result = string.Join(" ", said);
        request.ProcessCount = round;
        request.Processing = InboundProcessing.Publishing;
        await db.SaveChangesAsync(ct);
    }

    private async Task FailAsync(Guid requestId, string why, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Set<InboundRequest>().FirstAsync(r => r.Id == requestId, ct);
        request.Processing = InboundProcessing.Failed;
        request.Result = why;
        request.ProcessedAt = time.GetUtcNow();
        request.ProcessCount++;
        await db.SaveChangesAsync(ct);
        LogFailed(requestId, why);
        Notify(request);
    }

    private void Notify(InboundRequest r) => observer.RequestChanged(new InboundRequestChanged(r.Id, r.InboundWebhookId, r.Status,
        InboundReceiver.Name(r.Outcome), InboundReceiver.Name(r.Processing), r.ReceivedAt));

    [LoggerMessage(LogLevel.Warning, "Inbound request {RequestId} could not be processed: {Reason}")]
    private partial void LogFailed(Guid requestId, string reason);

    [LoggerMessage(LogLevel.Error, "The inbound processor loop failed; retrying in a second")]
    private partial void LogLoopFailed(Exception e);
}
