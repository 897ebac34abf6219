using static WebhookConsole.Web.Api.ApiActor;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/mappings</c>: field mappings, "Get Schema" of a sample, and previews.</summary>
public static class MappingsEndpoints
{
    public static void MapMappings(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/mappings").WithTags("Mappings");

        group.MapGet("/", async (MappingService mappings, CancellationToken ct) => (await mappings.ListAsync(ct)).Select(MappingDto.From).ToList())
            .WithSummary("Every mapping.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<MappingDto>, ProblemHttpResult>> (Guid id, MappingService mappings, CancellationToken ct) =>
                await mappings.GetAsync(id, ct) is { } m ? TypedResults.Ok(MappingDto.From(m)) : NotFound(id))
            .WithSummary("One mapping.");

        group.MapPost("/", async Task<Results<Created<MappingDto>, ValidationProblem>> (MappingRequestDto request, MappingService mappings, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    var m = await mappings.CreateAsync(request.ToInput(), Actor(user), ct);
                    return TypedResults.Created($"/api/v1/mappings/{m.Id}", MappingDto.From(m));
                }
                catch (MappingValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Creates a mapping: fields [{source, target}]. Targets contact.name / .phone / .email / .address / .attributes.<key> " +
                         "upsert a contact (inbound); the other targets are an event's data, or an outbound webhook's whole body.");

        group.MapPut("/{id:guid}", async Task<Results<Ok<MappingDto>, ValidationProblem, ProblemHttpResult>> (Guid id, MappingRequestDto request, MappingService mappings, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    return await mappings.UpdateAsync(id, request.ToInput(), Actor(user), ct) is { } m ? TypedResults.Ok(MappingDto.From(m)) : NotFound(id);
                }
                catch (MappingValidationException e) { return Invalid(e.Errors); }
            })
            .WithSummary("Changes a mapping (all fields).");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, MappingService mappings, ClaimsPrincipal user, CancellationToken ct) =>
                await mappings.DeleteAsync(id, Actor(user), ct) ? TypedResults.NoContent() : NotFound(id))
            .WithSummary("Deletes a mapping; inbound and outbound webhooks that used it go back to unmapped.");

        group.MapPost("/schema", async Task<Results<Ok<SchemaDto>, ProblemHttpResult>> (SampleRequestDto request, InboundRequestLog log, CancellationToken ct) =>
            {
                var (sample, problem) = await SampleAsync(request.Sample, request.RequestId, log, ct);
                return problem is null ? TypedResults.Ok(new SchemaDto(SchemaExtractor.Extract(sample))) : problem;
            })
            .WithSummary("Get Schema: {sample} (any JSON) or {requestId} (a logged inbound request) → every field path, e.g. " +
                         "payload.people_detail.name or payload.meta[0].date, with its type and an example.");

        group.MapPost("/preview", async Task<Results<Ok<MappingPreviewDto>, ProblemHttpResult>> (PreviewRequestDto request, InboundRequestLog log, CancellationToken ct) =>
            {
                var (sample, problem) = await SampleAsync(request.Sample, request.RequestId, log, ct);
                if (problem is not null)
                    return problem;
                var fields = (request.Fields ?? []).Select(f => new MappedField(f.Source ?? "", f.Target ?? "")).ToList();
                var output = MappingApplier.Apply(fields, sample);
                return TypedResults.Ok(new MappingPreviewDto(output.Output, output.Missing, ContactPreviewDto.From(ContactData.From(output.Output))));
            })
            .WithSummary("Applies fields to {sample} or {requestId} without saving: the output, the sources the sample lacks, and the contact it gives.");
    }

    private static async Task<(JsonNode? Sample, ProblemHttpResult? Problem)> SampleAsync(JsonNode? sample, Guid? requestId, InboundRequestLog log, CancellationToken ct)
    {
        if (requestId is { } id)
        {
            var (payload, why) = await log.PayloadAsync(id, ct);
            return why is null ? (payload, null)
                : (null, TypedResults.Problem(title: "That request has no usable payload", detail: why, statusCode: StatusCodes.Status422UnprocessableEntity));
        }
        return sample is null
            ? (null, TypedResults.Problem(title: "No sample", detail: "Send {\"sample\": <a JSON payload>} or {\"requestId\": \"<a logged inbound request>\"}.",
                statusCode: StatusCodes.Status400BadRequest))
            : (sample, null);
    }

    private static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        title: "No such mapping", detail: $"There is no mapping {id}. GET /api/v1/mappings lists them.", statusCode: StatusCodes.Status404NotFound);

    private static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: "The mapping was not saved");
}
