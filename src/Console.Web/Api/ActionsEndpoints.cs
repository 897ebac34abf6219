using static WebhookConsole.Web.Api.ApiActor;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using static WebhookConsole.Web.Api.AssistantsEndpoints;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/actions</c>: assistants' webhook actions in seed 001's form, and their preview.</summary>
public static class ActionsEndpoints
{
    public static void MapActions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/actions").WithTags("Actions");

        group.MapGet("/", async (Guid? assistantId, ActionService actions, CancellationToken ct) =>
                (await actions.ListAsync(assistantId, ct)).Select(ActionDto.From).ToList())
            .WithSummary("Every webhook action, or those of ?assistantId=.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ActionDto>, ProblemHttpResult>> (Guid id, ActionService actions, CancellationToken ct) =>
                await actions.GetAsync(id, ct) is { } a ? TypedResults.Ok(ActionDto.From(a)) : NotFound("action", id))
            .WithSummary("One action; values of Authorization-like headers are masked.");

        group.MapPost("/", (ActionRequest request, ActionService actions, ClaimsPrincipal user, CancellationToken ct) =>
                request.AssistantId is { } assistantId
                    ? CreateAsync(assistantId, request, actions, user, ct)
                    : Task.FromResult<Results<Created<ActionDto>, ValidationProblem>>(TypedResults.ValidationProblem(
                        new Dictionary<string, string[]> { ["assistantId"] = ["Say which assistant the action belongs to (assistantId)."] },
                        title: "The action was not saved")))
            .WithSummary("Creates a webhook action {type:\"WEBHOOK\", assistantId, name, url, method, headers[{key,value}], body, responseDirective, " +
                         "interpretResponse, trigger{name, description, parameters}, timeoutSeconds}. $variables may appear in the url, header values and body.");

        group.MapPut("/{id:guid}", async Task<Results<Ok<ActionDto>, ValidationProblem, ProblemHttpResult>> (Guid id, ActionRequest request, ActionService actions, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await actions.GetAsync(id, ct) is not { } existing)
                    return NotFound("action", id);
                if (TypeProblem(request) is { } problem)
                    return problem;
                try
                {
                    return await actions.UpdateAsync(id, request.ToInput(request.AssistantId ?? existing.AssistantId), Actor(user), ct) is { } a
                        ? TypedResults.Ok(ActionDto.From(a)) : NotFound("action", id);
                }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .WithSummary("Changes an action (all fields). A header sent with a null (or masked) value keeps its stored value.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, ActionService actions, ClaimsPrincipal user, CancellationToken ct) =>
                await actions.DeleteAsync(id, Actor(user), ct) ? TypedResults.NoContent() : NotFound("action", id))
            .WithSummary("Deletes an action; the session logs of its calls stay.");

        group.MapPost("/{id:guid}/preview", async Task<Results<Ok<PreviewDto>, ProblemHttpResult>> (Guid id, PreviewRequest? request, ActionService actions,
                SessionService sessions, ActionRunner runner, CancellationToken ct) =>
            {
                if (await actions.GetAsync(id, ct) is not { } action)
                    return NotFound("action", id);
                AssistantSession? session = null;
                if (request?.SessionId is { } sessionId && (session = await sessions.GetAsync(sessionId, ct)) is null)
                    return NotFound("session", sessionId);
                var preview = await runner.PreviewAsync(action, session, request?.Arguments, request?.Variables, request?.Images, ct);
                return TypedResults.Ok(PreviewDto.From(preview));
            })
            .WithSummary("The request exactly as it would be sent (method, url, headers, body; secrets masked) and the variables it uses, without sending it. " +
                         "{sessionId?, arguments{}, variables{} (sample client_data, merged over the session's), images[]?}. problems and argumentErrors say what would stop it.");
    }

    internal static async Task<Results<Created<ActionDto>, ValidationProblem>> CreateAsync(Guid assistantId, ActionRequest request, ActionService actions,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (TypeProblem(request) is { } problem)
            return problem;
        try
        {
            var a = await actions.CreateAsync(request.ToInput(assistantId), Actor(user), ct);
            return TypedResults.Created($"/api/v1/actions/{a.Id}", ActionDto.From(a));
        }
        catch (InvalidInputException e) { return Invalid(e); }
    }

    private static ValidationProblem? TypeProblem(ActionRequest request) =>
        request.Type is null || request.Type.Equals(AssistantAction.WebhookType, StringComparison.OrdinalIgnoreCase)
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["type"] = ["The only action type is \"WEBHOOK\"."] },
                title: "The action was not saved");
}
