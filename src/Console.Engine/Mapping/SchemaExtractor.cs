using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Mapping;

/// <summary>One field of a sample payload: where it is, what it holds, and an example, in document order.</summary>
/// <param name="Path">Its <see cref="FieldPath"/>, e.g. <c>payload.meta[0].date</c>.</param>
/// <param name="Name">The last step alone (<c>date</c>, <c>[0]</c>), for a tree.</param>
/// <param name="Type">object, array, string, number, boolean or null.</param>
/// <param name="Example">The sample's value, shortened; "3 fields" / "2 items" for containers.</param>
/// <param name="Depth">0 for the payload's own fields.</param>
public sealed record SchemaField(string Path, string Name, string Type, string Example, int Depth)
{
    public bool IsContainer => Type is "object" or "array";
}

/// <summary>"Get Schema": lists every field of a sample payload, so a person can pick the ones to map.</summary>
public static class SchemaExtractor
{
    /// <summary>How many items of each array are described (the first ones).</summary>
    public const int ArrayItems = 3;
    /// <summary>A payload with more fields than this is described up to here.</summary>
    public const int MaxFields = 2000;
    private const int ExampleLength = 80;

    /// <summary>The fields of <paramref name="sample"/>, parents before their children.</summary>
    public static IReadOnlyList<SchemaField> Extract(JsonNode? sample)
    {
        var fields = new List<SchemaField>();
        Describe(sample, "", 0, fields);
        return fields;
    }

    private static void Describe(JsonNode? node, string path, int depth, List<SchemaField> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                    Add(value, FieldPath.Append(path, PathSegment.Property(key)), key, depth, fields);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count && i < ArrayItems; i++)
                    Add(array[i], FieldPath.Append(path, PathSegment.Item(i)), $"[{i}]", depth, fields);
                break;
        }
    }

    private static void Add(JsonNode? value, string path, string name, int depth, List<SchemaField> fields)
    {
        if (fields.Count >= MaxFields)
            return;
        fields.Add(new SchemaField(path, name, TypeOf(value), Example(value), depth));
        Describe(value, path, depth + 1, fields);
    }

    /// <summary>The JSON type name of a node.</summary>
    public static string TypeOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Example(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => obj.Count == 1 ? "1 field" : $"{obj.Count} fields",
        JsonArray array => array.Count == 1 ? "1 item" : $"{array.Count} items",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Shorten(v.GetValue<string>()),
        _ => Shorten(node.ToJsonString()),
    };

    private static string Shorten(string text) => text.Length <= ExampleLength ? text : text[..(ExampleLength - 1)] + "…";
}
