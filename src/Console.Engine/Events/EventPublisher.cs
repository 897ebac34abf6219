using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Engine.Telemetry;

namespace WebhookConsole.Engine.Events;

/// <summary>What publishing produced: the event id and how many deliveries it fanned out to.</summary>
public sealed record PublishResult(string EventId, string Type, int Deliveries, bool Duplicate);

/// <summary>The event could not be accepted; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class EventValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>One event to publish, as the API takes it.</summary>
public sealed record EventInput(string? Type, JsonNode? Data, string? Id = null, DateTimeOffset? OccurredAt = null);

/// <summary>Accepts events and fans them out: every matching delivery is stored (the outbox) before this returns.</summary>
public sealed class EventPublisher(
    IDbContextFactory<ConsoleDbContext> dbFactory, IDeliveryStore store, SubscriptionCache subscriptions, EventCatalog catalog,
    DeliverySignal signal, EngineMetrics metrics, TimeProvider time)
{
    /// <summary>At most this many events in one <see cref="PublishManyAsync"/>.</summary>
    public const int MaxBatch = 500;

    /// <summary>Stores the event and one delivery per enabled subscription that selected its type and matches its scope.</summary>
    public async Task<PublishResult> PublishAsync(string? type, JsonNode? data, string? id = null, DateTimeOffset? occurredAt = null,
        CancellationToken ct = default)
    {
        try
        {
            return (await PublishManyAsync([new EventInput(type, data, id, occurredAt)], ct))[0];
        }
        catch (EventValidationException e)
        {
            // One event: its errors by field name, without the batch's "[0]." prefix.
            throw new EventValidationException(e.Errors.ToDictionary(kv => kv.Key[(kv.Key.IndexOf('.') + 1)..], kv => kv.Value));
        }
    }

    /// <summary>
    /// Stores several events and their deliveries in one commit (one fsync), all or none; an event whose id was published before
    /// (or earlier in the same batch) is answered as a duplicate and stores nothing. Errors are keyed <c>[index].field</c>.
    /// </summary>
    public async Task<IReadOnlyList<PublishResult>> PublishManyAsync(IReadOnlyList<EventInput> inputs, CancellationToken ct = default)
    {
        var types = Validate(inputs);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await StoreAsync(inputs, types, ct);
            }
            catch (DuplicateEventException) when (attempt == 0)
            {
                // An id published concurrently got in first: look again, and answer it as the duplicate it now is.
            }
        }
    }

    private EventType[] Validate(IReadOnlyList<EventInput> inputs)
    {
        var errors = new Dictionary<string, string[]>();
        if (inputs.Count is 0 or > MaxBatch)
            errors["events"] = [$"Send 1 to {MaxBatch} events."];
        var types = new EventType[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var (type, data, id, _) = inputs[i];
            if (string.IsNullOrWhiteSpace(type))
                errors[$"[{i}].type"] = ["Say which event this is, e.g. \"message.incoming\". GET /api/v1/event-types lists them."];
            else if (!catalog.TryResolve(type, out types[i]!))
                errors[$"[{i}].type"] = [$"'{type}' is not an event type or alias. GET /api/v1/event-types lists them."];
            if (data is not JsonObject)
                errors[$"[{i}].data"] = ["'data' must be a JSON object."];
            if (id is not null && (id.Length is 0 or > 200 || id.Any(char.IsControl)))
                errors[$"[{i}].id"] = ["'id' must be 1 to 200 printable characters."];
        }
        if (errors.Count > 0)
            throw new EventValidationException(errors);
        return types;
    }

    private async Task<IReadOnlyList<PublishResult>> StoreAsync(IReadOnlyList<EventInput> inputs, EventType[] types, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var enabled = await subscriptions.EnabledAsync(ct);
        var existing = await ExistingAsync(inputs, ct);
        Mapping.OutboundBodies? bodies = null;
        if (enabled.Any(s => s.MappingId is not null))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            bodies = await Mapping.OutboundBodies.LoadAsync(db, enabled, ct); // seed 004: a mapping shapes the body
        }

        var results = new PublishResult[inputs.Count];
        var records = new List<EventRecord>(inputs.Count);
        var deliveries = new List<WebhookDelivery>();
        var seen = new Dictionary<string, PublishResult>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var (_, data, id, occurredAt) = inputs[i];
            // Only a caller's id can have been published before; a new one cannot.
            if (id is not null && (existing.TryGetValue(id, out var before) || seen.TryGetValue(id, out before)))
            {
                results[i] = before with { Duplicate = true };
                continue;
            }
            var type = types[i].Type;
            var eventId = id ?? "evt_" + Guid.CreateVersion7().ToString("N"); // time-ordered: appended to the Events key, not scattered
            // The deliveries keep this span's context: each attempt, whenever it happens, is a child of it.
            using var activity = ConsoleTelemetry.Source.StartActivity("publish " + type, ActivityKind.Producer);
            activity?.SetTag("webhook_console.event.type", type).SetTag("webhook_console.event.id", eventId);
            var traceParent = ConsoleTelemetry.CurrentTraceParent();
            var when = occurredAt ?? now;
            var body = Envelope(type, when, data); // serialized once: every subscriber without a mapping shares this array
            var count = 0;
            foreach (var s in enabled)
            {
                if (!Matches(s, type, data!.AsObject()))
                    continue;
                deliveries.Add(new WebhookDelivery
                {
                    MessageId = NewMessageId(), EventId = eventId, EventType = type, SubscriptionId = s.Id,
                    Body = bodies?.For(s, body) ?? body, CreatedAt = now, NextAttemptAt = now, TraceParent = traceParent,
                });
                count++;
            }
            records.Add(new EventRecord
            {
                Id = eventId, Type = type, Data = data!.ToJsonString(), OccurredAt = when, ReceivedAt = now, DeliveryCount = count,
            });
            activity?.SetTag("webhook_console.deliveries", count);
            results[i] = new PublishResult(eventId, type, count, Duplicate: false);
            if (id is not null)
                seen[id] = results[i];
        }
        if (records.Count > 0)
            await store.EnqueueAsync(records, deliveries, ct); // one transaction, on disk before this returns
        foreach (var record in records)
            metrics.EventPublished(record.Type, record.DeliveryCount);
        if (deliveries.Count > 0)
            signal.Notify();
        return results;
    }

    /// <summary>The events among <paramref name="inputs"/>' own ids that are already stored.</summary>
    private async Task<Dictionary<string, PublishResult>> ExistingAsync(IReadOnlyList<EventInput> inputs, CancellationToken ct)
    {
        var ids = inputs.Where(e => e.Id is not null).Select(e => e.Id!).Distinct().ToList();
        if (ids.Count == 0)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Events.AsNoTracking().Where(e => ids.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => new PublishResult(e.Id, e.Type, e.DeliveryCount, Duplicate: true), ct);
    }

    /// <summary>The body every subscriber receives, as UTF-8 JSON: <c>{"event", "timestamp", "data"}</c>.</summary>
    public static byte[] Envelope(string type, DateTimeOffset at, JsonNode? data) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["event"] = type,
            ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["data"] = data?.DeepClone(),
        }, Mapping.OutboundBodies.Relaxed);

    /// <summary>A new <c>webhook-id</c>.</summary>
    public static string NewMessageId() => "msg_" + Guid.NewGuid().ToString("N");

    /// <summary>Whether a subscription receives an event: it selected the type, and its assistant scope (if any) matches.</summary>
    public static bool Matches(WebhookSubscription subscription, string type, JsonObject data) =>
        subscription.Events.Contains(type) &&
        (subscription.AssistantId is null || AssistantIdOf(data) == subscription.AssistantId);

    // Seed 003 names the assistant "botId"; other senders say assistantId or assistant_id.
    private static string? AssistantIdOf(JsonObject data)
    {
        foreach (var key in (string[])["assistantId", "assistant_id", "botId"])
            if (data[key] is JsonValue value && value.TryGetValue<string>(out var s))
                return s;
        return null;
    }
}
