using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using static WebhookConsole.Web.Api.AssistantsEndpoints;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/sessions</c>: assistant sessions, their client_data, their log, and invoking actions in them.</summary>
public static class SessionsEndpoints
{
    public static void MapSessions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sessions").WithTags("Sessions");

        group.MapPost("/", async Task<Results<Created<SessionDto>, ValidationProblem>> (SessionCreateRequest request, SessionService sessions, CancellationToken ct) =>
            {
                if (request.AssistantId is not { } assistantId)
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["assistantId"] = ["Say which assistant the session is with (assistantId)."] },
                        title: "The session was not created");
                try
                {
                    var s = await sessions.CreateAsync(assistantId, request.ClientData, request.Images, request.CompanyId, ct);
                    return TypedResults.Created($"/api/v1/sessions/{s.Id}", SessionDto.From(s));
                }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .WithSummary("Starts a session {assistantId, clientData{}?, images[]?, companyId?}; companyId defaults to the console's ($company.id).");

        group.MapGet("/", async (Guid? assistantId, int? page, int? pageSize, SessionService sessions, CancellationToken ct) =>
            {
                var size = Math.Clamp(pageSize ?? 50, 1, 200);
                var (items, _) = await sessions.ListAsync(assistantId, (Math.Max(page ?? 1, 1) - 1) * size, size, ct);
                return items.Select(SessionDto.From).ToList();
            })
            .WithSummary("Sessions, most recently active first; filter by assistantId, page from 1.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<SessionDto>, ProblemHttpResult>> (Guid id, SessionService sessions, CancellationToken ct) =>
                await sessions.GetAsync(id, ct) is { } s ? TypedResults.Ok(SessionDto.From(s)) : NotFound("session", id))
            .WithSummary("One session: {id, assistantId, companyId, clientData{}, images[]}.");

        // The handler reads the body itself (JSON or form): no Accepts metadata, which would make routing turn one of them away.
        group.MapPut("/{id:guid}", UpdateAsync)
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                var json = await context.GetOrCreateSchemaAsync(typeof(SessionUpdateRequest), cancellationToken: ct);
                var form = await context.GetOrCreateSchemaAsync(typeof(SessionFormRequest), cancellationToken: ct);
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = UpdateContentTypes.ToDictionary(t => t, t => new Microsoft.OpenApi.OpenApiMediaType { Schema = t == "application/json" ? json : form }),
                };
                operation.Responses ??= new Microsoft.OpenApi.OpenApiResponses();
                operation.Responses.TryAdd("415", new Microsoft.OpenApi.OpenApiResponse { Description = "Another content type: the problem names the ones this route takes." });
            })
            .WithSummary("Updates a session: JSON {clientData{}, images[]} or, as in seed 001's curl, the form field client_data holding JSON " +
                         "(-F 'client_data={\"user_id\":\"usr_999\",\"plan\":\"enterprise\"}'). client_data keys are merged (null removes a key); images, when given, replace the list.");

        group.MapGet("/{id:guid}/logs", async Task<Results<Ok<List<SessionLogEntryDto>>, ProblemHttpResult>> (Guid id, int? page, int? pageSize, SessionService sessions, CancellationToken ct) =>
            {
                if (await sessions.GetAsync(id, ct) is null)
                    return NotFound("session", id);
                var size = Math.Clamp(pageSize ?? 50, 1, 200);
                var (items, _) = await sessions.LogAsync(id, (Math.Max(page ?? 1, 1) - 1) * size, size, ct);
                return TypedResults.Ok(items.Select(SessionLogEntryDto.From).ToList());
            })
            .WithSummary("The session log, newest first: each call's method and URL, status, response body, variables used (secrets masked), duration and error.");

        group.MapPost("/{id:guid}/actions/{actionId:guid}/invoke", async Task<Results<Ok<InvokeDto>, ValidationProblem, ProblemHttpResult>> (
                Guid id, Guid actionId, InvokeRequest? request, SessionService sessions, ActionService actions, ActionRunner runner, CancellationToken ct) =>
            {
                if (await sessions.GetAsync(id, ct) is not { } session)
                    return NotFound("session", id);
                if (await actions.GetAsync(actionId, ct) is not { } action)
                    return NotFound("action", actionId);
                try
                {
                    var result = await runner.InvokeAsync(session, action, request?.Arguments, ct);
                    if (result.Refused.Count > 0)
                        return TypedResults.Problem(new HttpValidationProblemDetails(result.Refused.ToDictionary())
                        {
                            Status = StatusCodes.Status422UnprocessableEntity,
                            Title = result.Refused.Keys.Any(k => k.StartsWith("arguments", StringComparison.Ordinal))
                                ? "The arguments do not match the trigger's parameters; nothing was sent"
                                : "The request was not sent",
                            Detail = result.LogEntry.Error,
                            Extensions = { ["logEntryId"] = result.LogEntry.Id },
                        });
                    return TypedResults.Ok(InvokeDto.From(result));
                }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Invokes an action in the session with {arguments{}}: validates them against the trigger's JSON Schema (422 with the errors), " +
                         "sends, merges a returned session.client_data (a VARIABLE_UPDATE event) and logs the call. A failed call (timeout, 500…) is a 200 whose error says what happened.");
    }

    private static async Task<Results<Ok<SessionDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, SessionService sessions, CancellationToken ct)
    {
        if (!request.HasFormContentType && !request.HasJsonContentType())
            return TypedResults.Problem(title: "This route does not take that content type",
                detail: $"PUT {request.Path} takes {string.Join(", ", UpdateContentTypes)}" +
                        (request.ContentType is { Length: > 0 } type ? $", not {type.Split(';')[0]}." : "; the request said no Content-Type."),
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        JsonObject? clientData;
        string[]? images;
        try
        {
            (clientData, images) = request.HasFormContentType ? await ReadFormAsync(request, ct) : await ReadJsonAsync(request, ct);
        }
        catch (UnreadableUpdateException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] }, title: "The session was not updated");
        }
        // A body with neither field (null, {}, or only names this route does not know) would change nothing: say so, not 200.
        if (clientData is null && images is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["clientData"] = ["Send clientData (an object whose keys are merged into the session's) and/or images (a list of URLs); this request had neither."],
            }, title: "The session was not updated");
        try
        {
            return await sessions.UpdateAsync(id, clientData, images, ct) is { } updated
                ? TypedResults.Ok(SessionDto.From(updated.Session))
                : NotFound("session", id);
        }
        catch (InvalidInputException e) { return Invalid(e); }
    }

    private static readonly string[] UpdateContentTypes = ["application/json", "multipart/form-data", "application/x-www-form-urlencoded"];

    private static async Task<(JsonObject?, string[]?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var update = await request.ReadFromJsonAsync<SessionUpdateRequest>(ct);
            return (update?.ClientData, update?.Images);
        }
        catch (JsonException e)
        {
            var (field, message) = BodyErrors.Describe(e, typeof(SessionUpdateRequest));
            throw new UnreadableUpdateException(field, message);
        }
    }

    private static async Task<(JsonObject?, string[]?)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            throw new UnreadableUpdateException("body", $"The form could not be read ({e.Message}). Send multipart/form-data with the field client_data, as in seed 001's curl -F example.");
        }
        JsonObject? clientData = null;
        if (form.TryGetValue("client_data", out var text) && !string.IsNullOrWhiteSpace(text))
        {
            if (JsonSyntax.Problem(text.ToString()) is { } problem)
                throw new UnreadableUpdateException("client_data", "client_data is not valid JSON: " + problem);
            clientData = JsonNode.Parse(text.ToString()) as JsonObject
                ?? throw new UnreadableUpdateException("client_data", "client_data must be a JSON object, e.g. {\"user_id\":\"usr_999\",\"plan\":\"enterprise\"}.");
        }
        string[]? images = null;
        if (form.TryGetValue("images", out var values))
        {
            // Either repeated fields (-F images=https://… -F images=https://…) or one JSON array.
            images = values.Count == 1 && values[0]!.TrimStart().StartsWith('[')
                ? (JsonSyntax.Problem(values[0]!) is null ? JsonNode.Parse(values[0]!) as JsonArray : null)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").ToArray()
                  ?? throw new UnreadableUpdateException("images", "images is a JSON array of URLs, or one form field per URL.")
                : values.Select(v => v ?? "").ToArray();
        }
        return (clientData, images);
    }

    private sealed class UnreadableUpdateException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
