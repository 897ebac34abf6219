using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Catalog;

/// <summary>One kind of event the console can send: its canonical name, the names other products use for it, and its shape.</summary>
public sealed record EventType(
    string Type,
    IReadOnlyList<string> Aliases,
    string Category,
    string Description,
    string Source,
    JsonObject Schema,
    JsonNode Example);
