using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Contacts;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/contacts</c>: the contacts the console knows (made by inbound mappings).</summary>
public static class ContactsEndpoints
{
    public static void MapContacts(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/contacts").WithTags("Contacts");

        group.MapGet("/", async (string? search, int? page, int? pageSize, ContactService contacts, CancellationToken ct) =>
            {
                var size = Math.Clamp(pageSize ?? 50, 1, 200);
                var (items, _) = await contacts.QueryAsync(search, (Math.Max(page ?? 1, 1) - 1) * size, size, ct);
                return items.Select(ContactDto.From).ToList();
            })
            .WithSummary("Contacts, most recently changed first; search matches name, phone, email or source. Page from 1.");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ContactDto>, ProblemHttpResult>> (Guid id, ContactService contacts, CancellationToken ct) =>
                await contacts.GetAsync(id, ct) is { } c
                    ? TypedResults.Ok(ContactDto.From(c))
                    : TypedResults.Problem(title: "No such contact", detail: $"There is no contact {id}. GET /api/v1/contacts lists them.",
                        statusCode: StatusCodes.Status404NotFound))
            .WithSummary("One contact.");
    }
}
