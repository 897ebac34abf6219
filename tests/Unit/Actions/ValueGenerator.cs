using System.Text;
using System.Text.Json.Nodes;

namespace WebhookConsole.Tests.Unit.Actions;

/// <summary>Deterministic hostile values: quotes, backslashes, control characters, unicode, emoji, URL delimiters, $names.</summary>
public sealed class ValueGenerator(int seed)
{
    private static readonly string[] Pieces =
    [
        "\"", "\\", "\\\"", "\\n", "\n", "\r", "\r\n", "\t", "\0", "\u0001", "\u0008", "\u000c", "\u001f", "\u007f", "\u0085",
        "\u2028", "\u2029", "\ufeff", "é", "ü", "ß", "中文", "العربية", "😀", "👍🏽", "👨‍👩‍👧", "𝄞",
        "%", "%2F", "%25", "%00", "/", "//", "?", "#", "&", "=", "+", " ", "  ", ";", ",", ":", "@", "!", "*", "'", "(", ")",
        "{", "}", "[", "]", "<", ">", "`", "^", "|", "~", "-", "_", ".",
        "$", "$$", "$other", "$session.id", "$images[0]", "$images", "$session", "$unknown_name", "$5", "${x}",
        "a", "Z", "0", "9", "abc", "null", "true", "123", "-1.5e3",
    ];

    private readonly Random _random = new(seed);

    /// <summary>A string of 0 to 12 pieces.</summary>
    public string NextString()
    {
        var sb = new StringBuilder();
        var count = _random.Next(0, 13);
        for (var i = 0; i < count; i++)
            sb.Append(Pieces[_random.Next(Pieces.Length)]);
        return sb.ToString();
    }

    /// <summary>Any JSON value: strings, numbers, booleans, null, arrays and objects, nested up to <paramref name="depth"/>.</summary>
    public JsonNode? NextJson(int depth = 3)
    {
        switch (_random.Next(depth > 0 ? 8 : 5))
        {
            case 0: return null;
            case 1: return JsonValue.Create(_random.Next(2) == 0);
            case 2: return JsonValue.Create(_random.Next(-1_000_000, 1_000_000));
            case 3: return JsonValue.Create(Math.Round(_random.NextDouble() * 1000 - 500, 3));
            case 4: return JsonValue.Create(NextString());
            case 5 or 6:
                var array = new JsonArray();
                for (var i = _random.Next(4); i > 0; i--) array.Add(NextJson(depth - 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = _random.Next(4); i > 0; i--) obj[NextString()] = NextJson(depth - 1);
                return obj;
        }
    }
}
