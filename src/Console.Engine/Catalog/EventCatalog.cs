using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Catalog;

/// <summary>Every event type the console knows, loaded from the JSON definitions embedded in this assembly.</summary>
public sealed class EventCatalog
{
    private readonly Dictionary<string, EventType> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>All event types, ordered by category then name.</summary>
    public IReadOnlyList<EventType> All { get; }

    public EventCatalog(IEnumerable<EventType> types)
    {
        All = types.OrderBy(t => t.Category, StringComparer.Ordinal).ThenBy(t => t.Type, StringComparer.Ordinal).ToList();
        foreach (var type in All)
        {
            foreach (var name in type.Aliases.Prepend(type.Type))
            {
                if (!_byName.TryAdd(name, type))
                    throw new InvalidOperationException($"Event name '{name}' is used by both {_byName[name].Type} and {type.Type}.");
            }
        }
    }

    /// <summary>Finds an event type by its canonical name or any alias (case-insensitive).</summary>
    public bool TryResolve(string name, [NotNullWhen(true)] out EventType? type) => _byName.TryGetValue(name, out type);

    /// <summary>The catalog shipped with the console.</summary>
    public static EventCatalog LoadEmbedded()
    {
        var assembly = typeof(EventCatalog).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("catalog/", StringComparison.Ordinal));
        return new EventCatalog(names.Select(n => Read(assembly, n)));
    }

    private static EventType Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        var node = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })
            as JsonObject ?? throw new InvalidDataException($"{resource} is not a JSON object.");
        string Text(string key) => node[key]?.GetValue<string>() ?? throw new InvalidDataException($"{resource} has no '{key}'.");
        return new EventType(
            Text("type"),
            node["aliases"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [],
            Text("category"),
            Text("description"),
            Text("source"),
            node["schema"]?.DeepClone().AsObject() ?? throw new InvalidDataException($"{resource} has no schema."),
            node["example"]?.DeepClone() ?? throw new InvalidDataException($"{resource} has no example."));
    }
}
