using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace WebhookConsole.Engine.Inbound;

/// <summary>The payload read from a body, or why it could not be read.</summary>
public sealed record PayloadRead(JsonNode? Payload, InboundOutcome? Refused, string? Error);

/// <summary>Reads an inbound body: JSON (whatever the content type claims, unless it is form data) or form fields turned into JSON.</summary>
public static class PayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static PayloadRead Read(string? contentType, byte[] body)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!Accepted(mediaType))
            return new PayloadRead(null, InboundOutcome.Unsupported,
                $"The content type {mediaType} is not accepted: send JSON (application/json) or form fields (application/x-www-form-urlencoded).");
        if (InvalidUtf8At(body) is { } at)
            return new PayloadRead(null, InboundOutcome.Malformed,
                $"The body is not valid UTF-8 (byte {at + 1} cannot start or continue a character): send JSON encoded as UTF-8.");
        if (mediaType == "application/x-www-form-urlencoded")
            return new PayloadRead(FormToJson(Encoding.UTF8.GetString(body)), null, null);

        var json = body.AsSpan();
        if (json.StartsWith("\uFEFF"u8))
            json = json[3..];
        if (json.Trim(" \t\r\n"u8).IsEmpty)
            return new PayloadRead(null, InboundOutcome.Malformed, "The body is empty: send a JSON object.");
        try
        {
            return new PayloadRead(JsonNode.Parse(json), null, null);
        }
        catch (JsonException e)
        {
            return new PayloadRead(null, InboundOutcome.Malformed, Describe(e, json));
        }
    }

    // JSON under its own names, and the usual mislabels of it (no content type, text/plain); form fields.
    private static bool Accepted(string mediaType) =>
        mediaType is "" or "application/json" or "text/json" or "text/plain" or "application/x-www-form-urlencoded"
        || (mediaType.StartsWith("application/", StringComparison.Ordinal) && mediaType.EndsWith("+json", StringComparison.Ordinal));

    private static int? InvalidUtf8At(byte[] body)
    {
        try
        {
            StrictUtf8.GetCharCount(body);
            return null;
        }
        catch (DecoderFallbackException e)
        {
            return e.Index;
        }
    }

    /// <summary>"The body is not valid JSON (line 150, column 10): … " — line and column counted in characters, from 1.</summary>
    private static string Describe(JsonException e, ReadOnlySpan<byte> json)
    {
        var line = (int)(e.LineNumber ?? 0);
        var bytesInLine = (int)(e.BytePositionInLine ?? 0);
        var lineStart = 0;
        for (var seen = 0; seen < line && lineStart < json.Length; lineStart++)
            if (json[lineStart] == (byte)'\n') seen++;
        var column = Encoding.UTF8.GetCharCount(json.Slice(lineStart, Math.Min(bytesInLine, json.Length - lineStart))) + 1;
        var reason = e.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut].TrimEnd(' ', '|');
        reason = reason.Replace(" Path: $", " (at $", StringComparison.Ordinal);
        if (reason.Contains(" (at $", StringComparison.Ordinal)) reason += ")";
        return $"The body is not valid JSON (line {line + 1}, column {column}): {reason}";
    }

    // a=1&b=x&b=y → {"a":"1","b":["x","y"]}: every value a string, repeated names an array.
    private static JsonObject FormToJson(string form)
    {
        var fields = HttpUtility.ParseQueryString(form);
        var result = new JsonObject();
        foreach (var key in fields.AllKeys)
        {
            var values = fields.GetValues(key) ?? [];
            result[key ?? ""] = values.Length == 1 ? JsonValue.Create(values[0]) : new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
        return result;
    }
}
