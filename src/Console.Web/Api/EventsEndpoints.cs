using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Web.Api;

/// <summary><c>POST /api/v1/events</c>: publish an event to every subscribed webhook.</summary>
public static class EventsEndpoints
{
    public static void MapEvents(this RouteGroupBuilder api) =>
        api.MapPost("/events", async Task<Results<Accepted<PublishResponse>, ValidationProblem>> (PublishRequest request, EventPublisher publisher, CancellationToken ct) =>
            {
                try
                {
                    var result = await publisher.PublishAsync(request.Type, request.Data, request.Id, request.OccurredAt, ct);
                    return TypedResults.Accepted((string?)null, new PublishResponse(result.EventId, result.Type, result.Deliveries, result.Duplicate));
                }
                catch (EventValidationException e)
                {
                    return TypedResults.ValidationProblem(e.Errors.ToDictionary(), title: "The event was not accepted");
                }
            })
            .WithTags("Events")
            .WithSummary("Publishes {type, data, id?, occurredAt?}. Every delivery is stored before the 202; the same id published twice creates no second delivery.");
}
