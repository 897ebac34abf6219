using static WebhookConsole.Web.Api.ApiActor;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/assistants</c> (with their actions) and <c>/api/v1/company</c>.</summary>
public static class AssistantsEndpoints
{
    public static void MapAssistants(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assistants").WithTags("Assistants");

        group.MapGet("/", async (AssistantService assistants, CancellationToken ct) =>
            {
                var counts = await assistants.ActionCountsAsync(ct);
                return (await assistants.ListAsync(ct)).Select(a => AssistantDto.From(a, counts.GetValueOrDefault(a.Id))).ToList();
            })
            .WithSummary("Every assistant, with how many actions it has.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<AssistantDto>, ProblemHttpResult>> (Guid id, AssistantService assistants, CancellationToken ct) =>
                await assistants.GetAsync(id, ct) is { } a
                    ? TypedResults.Ok(AssistantDto.From(a, (await assistants.ActionCountsAsync(ct)).GetValueOrDefault(id)))
                    : NotFound("assistant", id))
            .WithSummary("One assistant.");

        group.MapPost("/", async Task<Results<Created<AssistantDto>, ValidationProblem>> (AssistantRequest request, AssistantService assistants, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    var a = await assistants.CreateAsync(request.Name, Actor(user), request.Id, ct);
                    return TypedResults.Created($"/api/v1/assistants/{a.Id}", AssistantDto.From(a, 0));
                }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .WithSummary("Creates an assistant {name, id?}: id lets it keep the id it has elsewhere ($assistant.id, seed 003's botId).");

        group.MapPut("/{id:guid}", async Task<Results<Ok<AssistantDto>, ValidationProblem, ProblemHttpResult>> (Guid id, AssistantRequest request, AssistantService assistants, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    return await assistants.RenameAsync(id, request.Name, Actor(user), ct) is { } a
                        ? TypedResults.Ok(AssistantDto.From(a, (await assistants.ActionCountsAsync(ct)).GetValueOrDefault(id)))
                        : NotFound("assistant", id);
                }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .WithSummary("Renames an assistant.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, AssistantService assistants, ClaimsPrincipal user, CancellationToken ct) =>
                await assistants.DeleteAsync(id, Actor(user), ct) ? TypedResults.NoContent() : NotFound("assistant", id))
            .WithSummary("Deletes an assistant and its actions; its sessions and their logs stay.");

        group.MapGet("/{id:guid}/actions", async Task<Results<Ok<List<ActionDto>>, ProblemHttpResult>> (Guid id, AssistantService assistants, ActionService actions, CancellationToken ct) =>
                await assistants.GetAsync(id, ct) is null
                    ? NotFound("assistant", id)
                    : TypedResults.Ok((await actions.ListAsync(id, ct)).Select(ActionDto.From).ToList()))
            .WithSummary("The assistant's webhook actions.");

        group.MapPost("/{id:guid}/actions", (Guid id, ActionRequest request, ActionService actions, ClaimsPrincipal user, CancellationToken ct) =>
                ActionsEndpoints.CreateAsync(id, request, actions, user, ct))
            .WithSummary("Creates a webhook action of this assistant (seed 001's form; see POST /api/v1/actions).");

        var company = api.MapGroup("/company").WithTags("Assistants");
        company.MapGet("/", async (AssistantService assistants, CancellationToken ct) => new CompanyDto(await assistants.GetCompanyIdAsync(ct)))
            .WithSummary("The company id ($company.id) that new sessions carry; null when none is set.");
        company.MapPut("/", async Task<Results<Ok<CompanyDto>, ValidationProblem>> (CompanyDto request, AssistantService assistants, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try { return TypedResults.Ok(new CompanyDto(await assistants.SetCompanyIdAsync(request.CompanyId, Actor(user), ct))); }
                catch (InvalidInputException e) { return Invalid(e); }
            })
            .WithSummary("Sets the company id ($company.id); empty clears it. Sessions keep the one they started with.");
    }

    internal static ProblemHttpResult NotFound(string what, Guid id) => TypedResults.Problem(
        title: $"No such {what}",
        detail: $"There is no {what} {id}. GET /api/v1/{(what == "assistant" ? "assistants" : what + "s")} lists them.",
        statusCode: StatusCodes.Status404NotFound);

    internal static ValidationProblem Invalid(InvalidInputException e) =>
        TypedResults.ValidationProblem(e.Errors.ToDictionary(), title: e.Title);
}
