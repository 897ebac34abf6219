using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Events;

namespace WebhookConsole.Web.Api;

/// <summary><c>POST /api/v1/events</c> and <c>/events/batch</c>: publish events to every subscribed webhook.</summary>
public static class EventsEndpoints
{
    public static void MapEvents(this RouteGroupBuilder api)
    {
        api.MapPost("/events", async Task<Results<Accepted<PublishResponse>, ValidationProblem>> (PublishRequest request, EventPublisher publisher, CancellationToken ct) =>
            {
                try
                {
                    var result = await publisher.PublishAsync(request.Type, request.Data, request.Id, request.OccurredAt, ct);
                    return TypedResults.Accepted((string?)null, PublishResponse.From(result));
                }
                catch (EventValidationException e)
                {
                    return TypedResults.ValidationProblem(e.Errors.ToDictionary(), title: "The event was not accepted");
                }
            })
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Events")
            .WithSummary("Publishes {type, data, id?, occurredAt?}. Every delivery is stored before the 202; the same id published twice creates no second delivery.");

        api.MapPost("/events/batch", async Task<Results<Accepted<List<PublishResponse>>, ValidationProblem>> (List<PublishRequest>? requests, EventPublisher publisher, CancellationToken ct) =>
            {
                try
                {
                    var results = await publisher.PublishManyAsync(
                        (requests ?? []).Select(r => new EventInput(r.Type, r.Data, r.Id, r.OccurredAt)).ToList(), ct);
                    return TypedResults.Accepted((string?)null, results.Select(PublishResponse.From).ToList());
                }
                catch (EventValidationException e)
                {
                    return TypedResults.ValidationProblem(e.Errors.ToDictionary(), title: "The events were not accepted; none was stored");
                }
            })
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithTags("Events")
            .WithSummary($"Publishes up to {EventPublisher.MaxBatch} events [{{type, data, id?, occurredAt?}}] in one commit: all are stored before the 202, or none (400 names each wrong field as [index].field).");
    }
}
