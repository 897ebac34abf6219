using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Mapping;

/// <summary>
/// Seed 004's outbound side: a webhook that uses a mapping receives only the mapped fields of the
/// <c>{"event", "timestamp", "data"}</c> envelope (sources such as <c>data.name</c>), renamed as mapped.
/// </summary>
public sealed class OutboundBodies
{
    /// <summary>How every outbound body is written, the envelope and a mapped body alike: non-ASCII text as it is, not escaped.</summary>
    internal static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly IReadOnlyDictionary<Guid, FieldMapping> _mappings;

    private OutboundBodies(IReadOnlyDictionary<Guid, FieldMapping> mappings) => _mappings = mappings;

    /// <summary>Loads the mappings the given subscriptions use (one query; none when no subscription uses one).</summary>
    public static async Task<OutboundBodies> LoadAsync(ConsoleDbContext db, IEnumerable<WebhookSubscription> subscriptions, CancellationToken ct)
    {
        var ids = subscriptions.Where(s => s.MappingId is not null).Select(s => s.MappingId!.Value).Distinct().ToList();
        var mappings = ids.Count == 0
            ? new Dictionary<Guid, FieldMapping>()
            : await db.Set<FieldMapping>().AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        return new OutboundBodies(mappings);
    }

    /// <summary>The body for one subscription: the envelope, or only its mapped fields when the subscription uses a mapping.</summary>
    public byte[] For(WebhookSubscription subscription, byte[] envelope) =>
        subscription.MappingId is { } id && _mappings.TryGetValue(id, out var mapping) ? Shape(mapping, envelope) : envelope;

    /// <summary>The mapped body of an envelope, as UTF-8 JSON.</summary>
    public static byte[] Shape(FieldMapping mapping, byte[] envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(MappingApplier.Apply(mapping.Fields, JsonNode.Parse(envelope)).Output, Relaxed);
}
