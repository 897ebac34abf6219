using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebhookConsole.Engine.Actions;

/// <summary>Where and why a text is not JSON, in words: "line 3, column 17: … Near: …".</summary>
public static partial class JsonSyntax
{
    /// <summary>Null when <paramref name="text"/> is one valid JSON value; otherwise what is wrong and where (1-based line and column).</summary>
    public static string? Problem(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return null;
        }
        catch (JsonException e)
        {
            var lineIndex = (int)(e.LineNumber ?? 0);
            var lines = text.Split('\n');
            var line = lineIndex < lines.Length ? lines[lineIndex].TrimEnd('\r') : "";
            var column = CharColumn(line, (int)(e.BytePositionInLine ?? 0)) + 1;
            var reason = Position().Replace(e.Message, "").Trim();
            var near = line.Trim();
            if (near.Length > 80)
                near = near[..80] + "…";
            return $"line {lineIndex + 1}, column {column}: {reason}" + (near.Length > 0 ? $" Near: {near}" : "");
        }
    }

    // The parser counts UTF-8 bytes; a person counts characters (an emoji is one).
    private static int CharColumn(string line, int bytePosition)
    {
        var bytes = 0;
        var column = 0;
        for (var i = 0; i < line.Length; i++, column++)
        {
            var pair = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]);
            bytes += pair ? 4 : Encoding.UTF8.GetByteCount(line.AsSpan(i, 1));
            if (bytes > bytePosition)
                return column;
            if (pair)
                i++;
        }
        return column;
    }

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex Position();
}
