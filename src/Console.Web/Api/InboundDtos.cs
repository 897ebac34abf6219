using System.Text.Json;
using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Api;

/// <summary>How an inbound webhook verifies senders. <see cref="Secret"/> is masked, except in the answer that generated it.</summary>
/// <param name="Mode">none, header_token, hmac_sha256 or standard_webhooks.</param>
/// <param name="Header">The header carrying the token or hex signature (header_token, hmac_sha256).</param>
public sealed record VerificationDto(string Mode, string? Header, string? Secret);

/// <summary>An inbound webhook as the API shows it; <see cref="Url"/> is where senders POST.</summary>
public sealed record InboundDto(
    Guid Id, string Name, string Url, bool Enabled, VerificationDto Verification, Guid? MappingId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastRequestAt);

/// <summary>Create or change an inbound webhook. A verification secret left out is kept (or generated and returned once).</summary>
public sealed record InboundRequestDto(string? Name, bool? Enabled, VerificationRequestDto? Verification, Guid? MappingId);

/// <summary>The verification to use: mode none, header_token, hmac_sha256 or standard_webhooks.</summary>
public sealed record VerificationRequestDto(string? Mode, string? Header, string? Secret);

/// <summary>An event a request produced.</summary>
public sealed record ProducedEventDto(string Id, string Type);

/// <summary>One logged request: what arrived (headers masked, raw body), what the sender was answered, what it produced.</summary>
public sealed record LoggedRequestDto(
    Guid Id, Guid InboundId, DateTimeOffset ReceivedAt, string? SourceAddress, int Status, string Outcome, string? Error,
    string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body, long BodyBytes, bool BodyTruncated,
    string? DeliveryId, Guid? DuplicateOf, string Processing, string? Result, Guid? ContactId, IReadOnlyList<ProducedEventDto> Events,
    DateTimeOffset? ProcessedAt)
{
    public static LoggedRequestDto From(InboundRequest r) => new(
        r.Id, r.InboundWebhookId, r.ReceivedAt, r.SourceAddress, r.Status, InboundReceiver.Name(r.Outcome), r.Error, r.ContentType,
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.Headers) ?? [], InboundRequestLog.BodyText(r), r.BodyLength, r.BodyTruncated,
        r.DeliveryKey, r.DuplicateOf, InboundReceiver.Name(r.Processing), r.Result, r.ContactId,
        r.Events.Select(e => new ProducedEventDto(e.Id, e.Type)).ToList(), r.ProcessedAt);
}

/// <summary>The API's names for verification modes.</summary>
public static class VerificationModes
{
    public static string Name(InboundVerification mode) => InboundReceiver.Name(mode);

    public static bool TryParse(string? name, out InboundVerification mode)
    {
        foreach (var candidate in Enum.GetValues<InboundVerification>())
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase) ||
                string.Equals(candidate.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }
        mode = default;
        return false;
    }

    public static readonly string Names = string.Join(", ", Enum.GetValues<InboundVerification>().Select(Name));
}
