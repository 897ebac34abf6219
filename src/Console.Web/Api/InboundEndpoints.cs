using static WebhookConsole.Web.Api.ApiActor;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/inbound</c>: inbound webhooks (their URLs, verification, mapping) and their raw request logs.</summary>
public static class InboundEndpoints
{
    public static void MapInbound(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/inbound").WithTags("Inbound");

        group.MapGet("/", async (InboundWebhookService service, HttpContext http, CancellationToken ct) =>
                (await service.ListAsync(ct)).Select(w => Dto(w, service, http)).ToList())
            .WithSummary("Every inbound webhook with its URL; verification secrets are masked.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<InboundDto>, ProblemHttpResult>> (Guid id, InboundWebhookService service, HttpContext http, CancellationToken ct) =>
                await service.GetAsync(id, ct) is { } w ? TypedResults.Ok(Dto(w, service, http)) : NotFound(id))
            .WithSummary("One inbound webhook.");

        group.MapPost("/", async Task<Results<Created<InboundDto>, ValidationProblem>> (InboundRequestDto request, InboundWebhookService service, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!TryInput(request, existingSecret: false, out var input, out var generated, out var errors))
                    return Invalid(errors);
                try
                {
                    var created = await service.CreateAsync(input, Actor(user), ct);
                    return TypedResults.Created($"/api/v1/inbound/{created.Id}", Dto(created, service, http, generated));
                }
                catch (InboundValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Creates an inbound webhook and its unique URL. A verification secret left out is generated and returned once.");

        group.MapPut("/{id:guid}", async Task<Results<Ok<InboundDto>, ValidationProblem, ProblemHttpResult>> (Guid id, InboundRequestDto request, InboundWebhookService service, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await service.GetAsync(id, ct) is not { } existing)
                    return NotFound(id);
                if (!TryInput(request, existing.ProtectedVerificationSecret is not null, out var input, out var generated, out var errors))
                    return Invalid(errors);
                try
                {
                    return await service.UpdateAsync(id, input, Actor(user), ct) is { } updated
                        ? TypedResults.Ok(Dto(updated, service, http, generated)) : NotFound(id);
                }
                catch (InboundValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Changes an inbound webhook (all fields). A verification secret left out keeps the stored one.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, InboundWebhookService service, ClaimsPrincipal user, CancellationToken ct) =>
                await service.DeleteAsync(id, Actor(user), ct) ? TypedResults.NoContent() : NotFound(id))
            .WithSummary("Deletes an inbound webhook and its request log; its URL answers 404 from then on.");

        group.MapPost("/{id:guid}/regenerate-token", async Task<Results<Ok<InboundDto>, ProblemHttpResult>> (Guid id, InboundWebhookService service, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
                await service.RegenerateTokenAsync(id, Actor(user), ct) is { } w ? TypedResults.Ok(Dto(w, service, http)) : NotFound(id))
            .WithSummary("Gives the inbound webhook a new URL; the old URL answers 404 from now on.");

        group.MapGet("/{id:guid}/requests", async Task<Results<Ok<List<LoggedRequestDto>>, ProblemHttpResult>> (
                Guid id, string? outcome, int? page, int? pageSize, InboundWebhookService service, InboundRequestLog log, CancellationToken ct) =>
            {
                if (await service.GetAsync(id, ct) is null)
                    return NotFound(id);
                InboundOutcome? filter = null;
                if (!string.IsNullOrEmpty(outcome))
                {
                    var match = Enum.GetValues<InboundOutcome>().Where(o => InboundReceiver.Name(o) == outcome.Trim().ToLowerInvariant()).ToList();
                    if (match.Count == 0)
                        return TypedResults.Problem(title: "Unknown outcome",
                            detail: $"outcome is one of: {string.Join(", ", Enum.GetValues<InboundOutcome>().Select(o => InboundReceiver.Name(o)))}.",
                            statusCode: StatusCodes.Status400BadRequest);
                    filter = match[0];
                }
                var size = Math.Clamp(pageSize ?? 50, 1, 200);
                var result = await log.QueryAsync(id, filter, (Math.Max(page ?? 1, 1) - 1) * size, size, ct);
                return TypedResults.Ok(result.Items.Select(LoggedRequestDto.From).ToList());
            })
            .WithSummary("The raw requests received, newest first: headers (secrets masked), body exactly as sent, answer and what it produced.");

        group.MapGet("/{id:guid}/requests/{requestId:guid}", async Task<Results<Ok<LoggedRequestDto>, ProblemHttpResult>> (Guid id, Guid requestId, InboundRequestLog log, CancellationToken ct) =>
                await log.GetAsync(requestId, ct) is { } r && r.InboundWebhookId == id ? TypedResults.Ok(LoggedRequestDto.From(r)) : RequestNotFound(requestId))
            .WithSummary("One logged request.");

        group.MapPost("/{id:guid}/requests/{requestId:guid}/process", async Task<Results<Accepted<LoggedRequestDto>, ProblemHttpResult>> (Guid id, Guid requestId, InboundRequestLog log, CancellationToken ct) =>
            {
                if (await log.GetAsync(requestId, ct) is not { } r || r.InboundWebhookId != id)
                    return RequestNotFound(requestId);
                if (!await log.ReprocessAsync(requestId, ct))
                    return TypedResults.Problem(title: "Only accepted requests are processed",
                        detail: $"This request was answered {r.Status} ({InboundReceiver.Name(r.Outcome)}), so there is nothing to process.",
                        statusCode: StatusCodes.Status409Conflict);
                return TypedResults.Accepted((string?)null, LoggedRequestDto.From((await log.GetAsync(requestId, ct))!));
            })
            .WithSummary("Processes an accepted request again with the webhook's current mapping (e.g. after making or fixing the mapping).");
    }

    /// <summary>The URL senders post to, on the address this request reached the console at.</summary>
    public static string UrlFor(HttpContext http, string token) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/{InboundToken.PathFor(token)}";

    private static InboundDto Dto(InboundWebhook w, InboundWebhookService service, HttpContext http, string? generatedSecret = null) => new(
        w.Id, w.Name, UrlFor(http, service.Token(w)), w.Enabled,
        new VerificationDto(VerificationModes.Name(w.Verification), service.Settings(w) is { Mode: InboundVerification.HeaderToken or InboundVerification.HmacSha256 } s ? s.HeaderName : null,
            generatedSecret ?? service.MaskedSecret(w)),
        w.MappingId, w.CreatedAt, w.UpdatedAt, w.LastRequestAt);

    private static bool TryInput(InboundRequestDto request, bool existingSecret, out InboundInput input, out string? generated,
        out IReadOnlyDictionary<string, string[]> errors)
    {
        generated = null;
        errors = new Dictionary<string, string[]>();
        input = default!;
        var mode = InboundVerification.None;
        if (request.Verification?.Mode is { } name && !VerificationModes.TryParse(name, out mode))
        {
            errors = new Dictionary<string, string[]> { ["verification.mode"] = [$"'{name}' is not a verification mode: use {VerificationModes.Names}."] };
            return false;
        }
        var secret = request.Verification?.Secret;
        if (mode != InboundVerification.None && string.IsNullOrEmpty(secret) && !existingSecret)
            secret = generated = InboundWebhookService.GenerateSecret(mode);
        input = new InboundInput(request.Name ?? "", request.Enabled ?? true, mode, request.Verification?.Header, secret, request.MappingId);
        return true;
    }

    private static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        title: "No such inbound webhook", detail: $"There is no inbound webhook {id}. GET /api/v1/inbound lists them.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult RequestNotFound(Guid id) => TypedResults.Problem(
        title: "No such request", detail: $"This inbound webhook has no logged request {id}. GET /api/v1/inbound/{{id}}/requests lists them.",
        statusCode: StatusCodes.Status404NotFound);

    private static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The inbound webhook was not saved");
}
