using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Catalog;

namespace WebhookConsole.Web.Api;

/// <summary><c>GET /api/v1/event-types</c> and <c>GET /api/v1/event-types/{name}</c> (a name or any alias).</summary>
public static class EventTypesEndpoints
{
    /// <summary>An event type as the API shows it.</summary>
    public sealed record EventTypeDto(
        string Type, IReadOnlyList<string> Aliases, string Category, string Description, string Source, JsonObject Schema, JsonNode Example)
    {
        public static EventTypeDto From(EventType t) => new(t.Type, t.Aliases, t.Category, t.Description, t.Source, t.Schema, t.Example);
    }

    public static void MapEventTypes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/event-types").WithTags("Event types");
        group.MapGet("/", (EventCatalog catalog) => catalog.All.Select(EventTypeDto.From).ToList())
            .WithSummary("The event catalog: every event type with its aliases, description, source, JSON Schema and example data.");
        group.MapGet("/{name}", Results<Ok<EventTypeDto>, ProblemHttpResult> (string name, EventCatalog catalog) =>
                catalog.TryResolve(name, out var type)
                    ? TypedResults.Ok(EventTypeDto.From(type))
                    : TypedResults.Problem(
                        title: "Unknown event type",
                        detail: $"No event type or alias is named '{name}'. GET /api/v1/event-types lists them all.",
                        statusCode: StatusCodes.Status404NotFound))
            .WithSummary("One event type, by its name or any of its aliases (e.g. CREATE_LEAD resolves to lead.created).");
    }
}
