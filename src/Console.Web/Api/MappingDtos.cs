using System.Text.Json.Nodes;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Web.Api;

/// <summary>One mapped field: the source path in the payload and the name it gets.</summary>
public sealed record MappedFieldDto(string? Source, string? Target);

/// <summary>A mapping as the API shows it.</summary>
public sealed record MappingDto(Guid Id, string Name, IReadOnlyList<MappedFieldDto> Fields, string? EventType, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MappingDto From(FieldMapping m) =>
        new(m.Id, m.Name, m.Fields.Select(f => new MappedFieldDto(f.Source, f.Target)).ToList(), m.EventType, m.CreatedAt, m.UpdatedAt);
}

/// <summary>Create or change a mapping. <see cref="Sample"/> (optional) is kept so the editor can show its fields again.</summary>
public sealed record MappingRequestDto(string? Name, MappedFieldDto[]? Fields, string? EventType, JsonNode? Sample)
{
    public MappingInput ToInput() => new(Name ?? "", (Fields ?? []).Select(f => new MappedField(f.Source ?? "", f.Target ?? "")).ToList(),
        EventType, Sample?.ToJsonString());
}

/// <summary>Where "Get Schema" (or a preview) takes its sample: a JSON payload, or a logged inbound request.</summary>
public sealed record SampleRequestDto(JsonNode? Sample, Guid? RequestId);

/// <summary>The fields of a sample, parents before children.</summary>
public sealed record SchemaDto(IReadOnlyList<SchemaField> Fields);

/// <summary>Preview: mapped fields applied to a sample, without saving.</summary>
public sealed record PreviewRequestDto(MappedFieldDto[]? Fields, JsonNode? Sample, Guid? RequestId);

/// <summary>What a mapping gives for a sample: the output, the sources the sample lacks, and the contact it would upsert.</summary>
public sealed record MappingPreviewDto(JsonObject Output, IReadOnlyList<string> Missing, ContactPreviewDto? Contact);

/// <summary>The contact fields a preview found.</summary>
public sealed record ContactPreviewDto(string? Name, string? Phone, string? Email, string? Address, IReadOnlyDictionary<string, string> Attributes)
{
    public static ContactPreviewDto? From(ContactData? c) =>
        c is null ? null : new(c.Name, c.Phone, c.Email, c.Address, c.Attributes.ToDictionary(a => a.Key, a => a.Value));
}

/// <summary>A contact as the API shows it.</summary>
public sealed record ContactDto(
    Guid Id, string? Name, string? Phone, string? Email, string? Address, IReadOnlyDictionary<string, string> Attributes,
    string Source, Guid? SourceInboundId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ContactDto From(Contact c) => new(c.Id, c.Name, c.Phone, c.Email, c.Address,
        c.Attributes.ToDictionary(a => a.Key, a => a.Value), c.Source, c.SourceInboundId, c.CreatedAt, c.UpdatedAt);
}
