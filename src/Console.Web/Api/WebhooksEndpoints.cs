using static WebhookConsole.Web.Api.ApiActor;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/webhooks</c>: outbound subscriptions, secret rotation, Send test and their deliveries.</summary>
public static class WebhooksEndpoints
{
    public static void MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks");

        group.MapGet("/", async (SubscriptionService subscriptions, CancellationToken ct) =>
                (await subscriptions.ListAsync(ct)).Select(s => WebhookDto.From(s)).ToList())
            .WithSummary("Every outbound webhook; secrets and header values are masked.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> (Guid id, SubscriptionService subscriptions, CancellationToken ct) =>
                await subscriptions.GetAsync(id, ct) is { } s ? TypedResults.Ok(WebhookDto.From(s)) : NotFound(id))
            .WithSummary("One webhook.");

        group.MapPost("/", async Task<Results<Created<WebhookDto>, ValidationProblem>> (WebhookRequest request, SubscriptionService subscriptions, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    var (s, secret) = await subscriptions.CreateAsync(request.ToInput(), Actor(user), ct);
                    return TypedResults.Created($"/api/v1/webhooks/{s.Id}", WebhookDto.From(s, secret));
                }
                catch (SubscriptionValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Creates a webhook. The answer holds its signing secret: the only time it is shown.");

        group.MapPut("/{id:guid}", async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> (Guid id, WebhookRequest request, SubscriptionService subscriptions, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    return await subscriptions.UpdateAsync(id, request.ToInput(), Actor(user), ct) is { } s
                        ? TypedResults.Ok(WebhookDto.From(s)) : NotFound(id);
                }
                catch (SubscriptionValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Changes a webhook (all fields). Headers sent with a null value keep their stored value.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, SubscriptionService subscriptions, ClaimsPrincipal user, CancellationToken ct) =>
                await subscriptions.DeleteAsync(id, Actor(user), ct) ? TypedResults.NoContent() : NotFound(id))
            .WithSummary("Deletes a webhook; its pending deliveries are cancelled, its log stays.");

        group.MapPost("/{id:guid}/rotate-secret", async Task<Results<Ok<RotateResponse>, ProblemHttpResult>> (Guid id, SubscriptionService subscriptions, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await subscriptions.RotateSecretAsync(id, Actor(user), ct) is not { } secret)
                    return NotFound(id);
                var s = await subscriptions.GetAsync(id, ct);
                return TypedResults.Ok(new RotateResponse(secret, s?.PreviousSecretExpiresAt));
            })
            .WithSummary("Replaces the signing secret; the previous one keeps signing alongside for 24 hours. The new secret is shown once.");

        group.MapPost("/{id:guid}/test", async Task<Results<Ok<TestResponse>, ProblemHttpResult>> (Guid id, TestRequest? request, TestDelivery tests, CancellationToken ct) =>
            {
                var result = await tests.SendAsync(id, request?.EventType, ct);
                if (result is null)
                    return NotFound(id);
                if (result.Attempt is null)
                    return TypedResults.Problem(title: "The test was not sent", detail: result.Problem, statusCode: StatusCodes.Status422UnprocessableEntity);
                return TypedResults.Ok(new TestResponse(result.EventType, result.MessageId, result.Attempt.Succeeded, AttemptDto.From(result.Attempt)));
            })
            .WithSummary("Send test: delivers the catalog example of eventType (default: the first subscribed) now and returns the attempt.");

        group.MapGet("/{id:guid}/deliveries", async Task<Results<Ok<List<DeliveryDto>>, ProblemHttpResult>> (
                Guid id, string? status, string? eventType, int? page, int? pageSize, SubscriptionService subscriptions, DeliveryLog log, CancellationToken ct) =>
            {
                if (await subscriptions.GetAsync(id, ct) is null)
                    return NotFound(id);
                DeliveryState? state = null;
                if (!string.IsNullOrEmpty(status))
                {
                    if (!Enum.TryParse<DeliveryState>(status, ignoreCase: true, out var parsed))
                        return TypedResults.Problem(title: "Unknown status",
                            detail: $"status is one of: {string.Join(", ", Enum.GetNames<DeliveryState>().Select(n => n.ToLowerInvariant()))}.",
                            statusCode: StatusCodes.Status400BadRequest);
                    state = parsed;
                }
                var size = Math.Clamp(pageSize ?? 50, 1, 200);
                var skip = (Math.Max(page ?? 1, 1) - 1) * size;
                var deliveries = await log.QueryDeliveriesAsync(id, state, eventType, skip, size, ct);
                return TypedResults.Ok(deliveries.Select(DeliveryDto.From).ToList());
            })
            .WithSummary("A webhook's deliveries, newest first, each with its attempts. Filter by status and eventType; page from 1.");
    }

    internal static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        title: "No such webhook", detail: $"There is no webhook {id}. GET /api/v1/webhooks lists them.", statusCode: StatusCodes.Status404NotFound);

    internal static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The webhook was not saved");
}
