using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Actions;

/// <summary>How a variable's value is written into each context of a request (seed 001, "Automatic encoding").</summary>
public static class TemplateEncoding
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The value as text: a string as itself, null as empty, anything else as its compact JSON.</summary>
    public static string AsText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(Compact),
    };

    /// <summary>The value as a JSON value: strings quoted and escaped, numbers and booleans as themselves, arrays and objects as JSON.</summary>
    public static string AsJson(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => "\"" + JsonEscape(s) + "\"",
        _ => value.ToJsonString(Compact),
    };

    /// <summary>Escapes text for the inside of a JSON string literal: quote, backslash and every control character.</summary>
    public static string JsonEscape(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? escaped = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                // A lone surrogate is not text; written escaped it is at least valid JSON syntax.
                _ when char.IsSurrogate(c) && !IsPaired(text, i) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (escaped is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(escaped);
        }
        return sb?.ToString() ?? text;
    }

    private static bool IsPaired(string text, int i) =>
        char.IsHighSurrogate(text[i]) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                                      : i > 0 && char.IsHighSurrogate(text[i - 1]);

    /// <summary>
    /// Percent-encodes UTF-8 bytes of everything but the unreserved characters (<c>A-Z a-z 0-9 - . _ ~</c>), so a value
    /// can never add a <c>/</c>, <c>?</c>, <c>#</c>, <c>&amp;</c>, <c>=</c> or space to a URL or form.
    /// </summary>
    public static string PercentEncode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';
}
