using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Inbound;

/// <summary>One request that reached an inbound URL, accepted or refused, kept exactly as received (seed 002: log everything).</summary>
public sealed class InboundRequest
{
    public Guid Id { get; set; } = Guid.CreateVersion7(); // time-ordered: the raw log grows at the end of its key
    public Guid InboundWebhookId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string? SourceAddress { get; set; }
    public string? ContentType { get; set; }
    /// <summary>The request headers as JSON; secret values (tokens, cookies, authorization) are masked.</summary>
    public required string Headers { get; set; }
    /// <summary>The raw body bytes exactly as received (only the first 64 KB of a body over the size limit).</summary>
    public required byte[] Body { get; set; }
    /// <summary>How many bytes the body had (or announced).</summary>
    public long BodyLength { get; set; }
    public bool BodyTruncated { get; set; }
    /// <summary>The HTTP status the sender got.</summary>
    public int Status { get; set; }
    public InboundOutcome Outcome { get; set; }
    /// <summary>Why it was refused, in words (with line and column for malformed JSON).</summary>
    public string? Error { get; set; }
    /// <summary>The sender's delivery id (<c>webhook-id</c>, <c>Idempotency-Key</c> or <c>X-Request-Id</c>), for deduplication.</summary>
    public string? DeliveryKey { get; set; }
    /// <summary>For a duplicate: the first request with the same delivery id.</summary>
    public Guid? DuplicateOf { get; set; }
    /// <summary>The payload as JSON (a form body turned into an object); null unless accepted.</summary>
    public string? Payload { get; set; }

    public InboundProcessing Processing { get; set; }
    /// <summary>What processing produced, in words ("Created contact …").</summary>
    public string? Result { get; set; }
    public Guid? ContactId { get; set; }
    /// <summary>The events processing publishes (id, type, data), kept so a crash between storing and publishing loses none.</summary>
    public List<ProducedEvent> Events { get; set; } = [];
    /// <summary>How many times it was processed; part of the event ids so "process again" publishes anew.</summary>
    public int ProcessCount { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    /// <summary>The W3C <c>traceparent</c> of the request that delivered it, so its processing (and the deliveries it causes) joins that trace.</summary>
    public string? TraceParent { get; set; }
}

/// <summary>An event an inbound request produced. Its id is derived from the request, so publishing it twice is harmless.</summary>
public sealed record ProducedEvent(string Id, string Type, string Data);

/// <summary>What the sender was answered.</summary>
public enum InboundOutcome
{
    /// <summary>202: stored, processed after the answer.</summary>
    Accepted,
    /// <summary>202 with the first request's id: a delivery id seen before; not processed again.</summary>
    Duplicate,
    /// <summary>401: the verification failed.</summary>
    Unauthorized,
    /// <summary>400: the body is not valid JSON (or form data).</summary>
    Malformed,
    /// <summary>413: the body is over the size limit.</summary>
    TooLarge,
    /// <summary>415: a content type the console cannot read (e.g. multipart).</summary>
    Unsupported,
}

/// <summary>Where processing of an accepted request stands.</summary>
public enum InboundProcessing
{
    /// <summary>Not accepted (refused or duplicate): nothing to process.</summary>
    None,
    /// <summary>Stored, waiting for the processor.</summary>
    Pending,
    /// <summary>Mapped and the contact saved; its events are being published.</summary>
    Publishing,
    Processed,
    Failed,
    /// <summary>The inbound webhook has no mapping: the request is kept in the log only.</summary>
    Unmapped,
}

internal sealed class InboundRequestConfiguration : IEntityTypeConfiguration<InboundRequest>
{
    public void Configure(EntityTypeBuilder<InboundRequest> e)
    {
        e.ToTable("InboundRequests");
        e.HasKey(x => x.Id);
        e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Processing).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.DeliveryKey).HasMaxLength(200);
        e.Property(x => x.SourceAddress).HasMaxLength(64);
        e.Property(x => x.ContentType).HasMaxLength(200);
        e.Property(x => x.TraceParent).HasMaxLength(128);
        e.Property(x => x.Events).AsJson();
        // The log pages newest first per inbound webhook; the processor asks for what is pending.
        e.HasIndex(x => new { x.InboundWebhookId, x.ReceivedAt });
        e.HasIndex(x => x.Processing);
        // One accepted request per delivery id: a concurrent duplicate fails to insert and is answered as a duplicate.
        e.HasIndex(x => new { x.InboundWebhookId, x.DeliveryKey }).IsUnique()
            .HasFilter("\"Outcome\" = 'Accepted' AND \"DeliveryKey\" IS NOT NULL");
    }
}
