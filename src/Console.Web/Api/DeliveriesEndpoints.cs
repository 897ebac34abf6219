using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Web.Api;

/// <summary>Sending again: <c>/api/v1/deliveries/{id}</c> (resend one), <c>/api/v1/webhooks/{id}/replay</c> and <c>/api/v1/replays/{id}</c>.</summary>
public static class DeliveriesEndpoints
{
    public static void MapDeliveries(this RouteGroupBuilder api)
    {
        var deliveries = api.MapGroup("/deliveries").WithTags("Deliveries");

        deliveries.MapGet("/{id:guid}", async Task<Results<Ok<DeliveryDto>, ProblemHttpResult>> (Guid id, DeliveryLog log, CancellationToken ct) =>
                await log.GetDeliveryAsync(id, ct) is { } d ? TypedResults.Ok(DeliveryDto.From(d)) : NoDelivery(id))
            .WithSummary("One delivery with its attempts: state (pending, sending, succeeded, retrying, failed, cancelled) and, when retrying, nextAttemptAt.");

        deliveries.MapPost("/{id:guid}/resend", async Task<Results<Accepted<DeliveryDto>, ProblemHttpResult>> (
                Guid id, Redelivery redelivery, DeliveryLog log, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    await redelivery.ResendAsync(id, ApiActor.Actor(user), ct);
                    return TypedResults.Accepted($"/api/v1/deliveries/{id}", DeliveryDto.From((await log.GetDeliveryAsync(id, ct))!));
                }
                catch (RedeliveryException e) { return Refused(e, "The delivery was not resent"); }
            })
            .WithSummary("Sends a delivery again now, with the same webhook-id; its retry schedule starts over. 409 while it is pending or sending, or when its webhook is disabled.");

        api.MapPost("/webhooks/{id:guid}/replay", async Task<Results<Accepted<ReplayDto>, ProblemHttpResult>> (
                Guid id, ReplayRequest request, Redelivery redelivery, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (request.Since is not { } since)
                    return TypedResults.Problem(title: "Say since when", detail: "'since' is required: replay deliveries created from this time (ISO 8601), e.g. \"2026-05-29T10:00:00Z\".",
                        statusCode: StatusCodes.Status400BadRequest);
                var states = new List<DeliveryState>();
                foreach (var name in (request.Status ?? "failed").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!Enum.TryParse<DeliveryState>(name, ignoreCase: true, out var state) || !Redelivery.ReplayableStates.Contains(state))
                        return TypedResults.Problem(title: "Unknown status", detail: $"'{name}' cannot be replayed; status is failed, cancelled or succeeded (comma-separated for several).",
                            statusCode: StatusCodes.Status400BadRequest);
                    states.Add(state);
                }
                try
                {
                    var run = await redelivery.ReplayAsync(id, since, request.Until, states, ApiActor.Actor(user), ct);
                    var progress = (await redelivery.ProgressAsync(run.Id, ct))!;
                    return TypedResults.Accepted($"/api/v1/replays/{run.Id}", ReplayDto.From(progress));
                }
                catch (RedeliveryException e) { return Refused(e, "Nothing was replayed"); }
            })
            .WithTags("Deliveries")
            .WithSummary("Queues again every delivery of the webhook created since 'since' (until 'until') in the given states (default failed). Follow progress at /api/v1/replays/{id}.");

        api.MapGet("/replays/{id:guid}", async Task<Results<Ok<ReplayDto>, ProblemHttpResult>> (Guid id, Redelivery redelivery, CancellationToken ct) =>
                await redelivery.ProgressAsync(id, ct) is { } p ? TypedResults.Ok(ReplayDto.From(p))
                    : TypedResults.Problem(title: "No such replay", detail: $"There is no replay {id}.", statusCode: StatusCodes.Status404NotFound))
            .WithTags("Deliveries")
            .WithSummary("A replay's progress: how many of its deliveries are still on their way, delivered, or failed again.");
    }

    private static ProblemHttpResult NoDelivery(Guid id) => TypedResults.Problem(title: "No such delivery",
        detail: $"There is no delivery {id}. GET /api/v1/webhooks/{{id}}/deliveries lists a webhook's deliveries.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Refused(RedeliveryException e, string title) =>
        TypedResults.Problem(title: e.NotFound ? "Not found" : title, detail: e.Message,
            statusCode: e.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
}
