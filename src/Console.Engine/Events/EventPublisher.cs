using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Events;

/// <summary>What publishing produced: the event id and how many deliveries it fanned out to.</summary>
public sealed record PublishResult(string EventId, string Type, int Deliveries, bool Duplicate);

/// <summary>The event could not be accepted; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class EventValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Accepts events and fans them out: every matching delivery is stored (the outbox) before this returns.</summary>
public sealed class EventPublisher(
    IDbContextFactory<ConsoleDbContext> dbFactory, StoreWriter writer, EventCatalog catalog, DeliverySignal signal, TimeProvider time)
{
    /// <summary>Stores the event and one delivery per enabled subscription that selected its type and matches its scope.</summary>
    public async Task<PublishResult> PublishAsync(string? type, JsonNode? data, string? id = null, DateTimeOffset? occurredAt = null,
        CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        EventType? eventType = null;
        if (string.IsNullOrWhiteSpace(type))
            errors["type"] = ["Say which event this is, e.g. \"message.incoming\". GET /api/v1/event-types lists them."];
        else if (!catalog.TryResolve(type, out eventType))
            errors["type"] = [$"'{type}' is not an event type or alias. GET /api/v1/event-types lists them."];
        if (data is not JsonObject)
            errors["data"] = ["'data' must be a JSON object."];
        if (id is not null && (id.Length is 0 or > 200 || id.Any(char.IsControl)))
            errors["id"] = ["'id' must be 1 to 200 printable characters."];
        if (errors.Count > 0)
            throw new EventValidationException(errors);

        var now = time.GetUtcNow();
        var eventId = id ?? "evt_" + Guid.NewGuid().ToString("N");
        List<WebhookSubscription> subscriptions;
        Mapping.OutboundBodies bodies;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // Only a caller's id can have been published before; a new one cannot.
            if (id is not null && await db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, ct) is { } existing)
                return new PublishResult(existing.Id, existing.Type, existing.DeliveryCount, Duplicate: true);
            subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.Enabled).ToListAsync(ct);
            bodies = await Mapping.OutboundBodies.LoadAsync(db, subscriptions, ct); // seed 004: a mapping shapes the body
        }

        var when = occurredAt ?? now;
        var dataJson = data!.ToJsonString();
        var body = Envelope(eventType!.Type, when, data);
        var deliveries = subscriptions.Where(s => Matches(s, eventType.Type, data!.AsObject())).Select(s => new WebhookDelivery
        {
            MessageId = NewMessageId(),
            EventId = eventId,
            EventType = eventType.Type,
            SubscriptionId = s.Id,
            Body = bodies.For(s, body),
            CreatedAt = now,
            NextAttemptAt = now,
        }).ToList();

        var record = new EventRecord
        {
            Id = eventId, Type = eventType.Type, Data = dataJson, OccurredAt = when, ReceivedAt = now, DeliveryCount = deliveries.Count,
        };
        try
        {
            // One transaction: the event and all its deliveries, or nothing; committed before this returns.
            await writer.WriteAsync(async w =>
            {
                w.Events.Add(record);
                w.Deliveries.AddRange(deliveries);
                await w.SaveChangesAsync(CancellationToken.None);
            }, ct: ct);
        }
        catch (DbUpdateException e) when (e.InnerException is SqliteException { SqliteErrorCode: 19 } && id is not null)
        {
            // The same id published concurrently: the other call stored it; answer as for any duplicate.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            var first = await again.Events.AsNoTracking().FirstAsync(x => x.Id == eventId, ct);
            return new PublishResult(first.Id, first.Type, first.DeliveryCount, Duplicate: true);
        }
        if (deliveries.Count > 0)
            signal.Notify();
        return new PublishResult(eventId, eventType.Type, deliveries.Count, Duplicate: false);
    }

    /// <summary>The body every subscriber receives: <c>{"event", "timestamp", "data"}</c>.</summary>
    public static string Envelope(string type, DateTimeOffset at, JsonNode? data) =>
        new JsonObject
        {
            ["event"] = type,
            ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["data"] = data?.DeepClone(),
        }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

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
