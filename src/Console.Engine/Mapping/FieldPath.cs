using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Mapping;

/// <summary>One step of a <see cref="FieldPath"/>: an object key or an array index.</summary>
public readonly record struct PathSegment(string? Key, int Index)
{
    public static PathSegment Property(string key) => new(key, -1);
    public static PathSegment Item(int index) => new(null, index);
    public bool IsIndex => Key is null;
}

/// <summary>
/// Paths into a JSON payload as a person reads them: <c>payload.people_detail.name</c>, <c>payload.meta[0].date</c>.
/// A key holding a dot, bracket, quote or space is written quoted: <c>headers["x.y"]</c>.
/// </summary>
public static class FieldPath
{
    /// <summary>The path's text for a list of segments.</summary>
    public static string Format(IEnumerable<PathSegment> segments)
    {
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.IsIndex)
                text.Append('[').Append(segment.Index).Append(']');
            else if (IsPlain(segment.Key!))
                text.Append(text.Length == 0 ? "" : ".").Append(segment.Key);
            else
                text.Append('[').Append(JsonSerializer.Serialize(segment.Key)).Append(']');
        }
        return text.ToString();
    }

    /// <summary>Appends one segment to a path's text.</summary>
    public static string Append(string path, PathSegment segment) =>
        path + (path.Length > 0 && !segment.IsIndex && IsPlain(segment.Key!) ? "." : "") + Format([segment]);

    /// <summary>Reads a path; false with a reason a person understands when it cannot be read.</summary>
    public static bool TryParse(string? path, out IReadOnlyList<PathSegment> segments, out string? error)
    {
        var result = new List<PathSegment>();
        segments = result;
        error = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "The path is empty.";
            return false;
        }
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (i + 1 < path.Length && path[i + 1] == '"')
                {
                    if (!TryReadQuoted(path, i + 1, out var key, out var end) || end >= path.Length || path[end] != ']')
                    {
                        error = $"A quoted key in '{path}' is not closed: write it as [\"key\"].";
                        return false;
                    }
                    result.Add(PathSegment.Property(key));
                    i = end + 1;
                }
                else if (close > i && int.TryParse(path.AsSpan(i + 1, close - i - 1), System.Globalization.NumberStyles.None,
                             System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    result.Add(PathSegment.Item(index));
                    i = close + 1;
                }
                else
                {
                    error = $"'{path}' has a bracket that is neither an index like [0] nor a quoted key like [\"a.b\"].";
                    return false;
                }
            }
            else
            {
                if (path[i] == '.')
                {
                    if (result.Count == 0 || i + 1 >= path.Length || path[i + 1] is '.' or '[')
                    {
                        error = $"'{path}' has a dot with no name after it.";
                        return false;
                    }
                    i++;
                }
                var start = i;
                while (i < path.Length && path[i] is not ('.' or '[' or ']' or '"'))
                    i++;
                if (i == start || (i < path.Length && path[i] is ']' or '"'))
                {
                    error = $"'{path}' is not a field path. Write it like payload.people_detail.name or payload.meta[0].date.";
                    return false;
                }
                result.Add(PathSegment.Property(path[start..i]));
            }
        }
        return true;
    }

    /// <summary>The node at <paramref name="path"/>, or false when the payload has nothing there.</summary>
    public static bool TrySelect(JsonNode? root, IReadOnlyList<PathSegment> path, out JsonNode? value)
    {
        var current = root;
        foreach (var segment in path)
        {
            switch (current)
            {
                case JsonObject obj when !segment.IsIndex && obj.TryGetPropertyValue(segment.Key!, out var next):
                    current = next;
                    break;
                case JsonArray array when segment.IsIndex && segment.Index < array.Count:
                    current = array[segment.Index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        value = current;
        return true;
    }

    private static bool IsPlain(string key) =>
        key.Length > 0 && key.All(c => c is not ('.' or '[' or ']' or '"') && !char.IsWhiteSpace(c) && !char.IsControl(c));

    private static bool TryReadQuoted(string path, int quote, out string key, out int end)
    {
        key = "";
        end = quote + 1;
        var escaped = false;
        while (end < path.Length)
        {
            var c = path[end];
            if (c == '"' && !escaped)
            {
                try { key = JsonSerializer.Deserialize<string>(path.AsSpan(quote, end - quote + 1))!; }
                catch (JsonException) { return false; }
                end++;
                return true;
            }
            escaped = c == '\\' && !escaped;
            end++;
        }
        return false;
    }
}
