using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Engine.Access;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Web.Api;

/// <summary><c>/api/v1/users</c>: the team, as Settings → Team shows it; a <c>full</c> key or an admin's sign-in.</summary>
public static class UsersEndpoints
{
    /// <summary>A person on the team; <see cref="InvitePending"/> until they chose a password with their link.</summary>
    public sealed record UserDto(Guid Id, string Email, string Role, DateTimeOffset? LastSignInAt, bool InvitePending)
    {
        public static UserDto From(TeamMember m) => new(m.Id, m.Email, m.Role, m.LastSignInAt, m.InvitePending);
    }

    /// <summary>An invite or a reset: <see cref="InviteUrl"/>, the one-time link, is in this answer only.</summary>
    public sealed record InviteDto(Guid Id, string Email, string Role, DateTimeOffset? LastSignInAt, string InviteUrl, DateTimeOffset InviteExpiresAt);

    /// <summary>Who to invite: <c>{email, role: admin|viewer}</c> (viewer when left out).</summary>
    public sealed record InviteRequest(string? Email, string? Role);

    /// <summary>A new role: <c>{role: admin|viewer}</c>.</summary>
    public sealed record RoleRequest(string? Role);

    public static void MapUsers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Team");

        group.MapGet("/", async (TeamService team, CancellationToken ct) => (await team.ListAsync(ct)).Select(UserDto.From).ToList())
            .WithSummary("The team: {id, email, role, lastSignInAt, invitePending}, pending invites included. Needs a full key or an admin's sign-in.");

        group.MapPost("/", async Task<Results<Created<InviteDto>, ValidationProblem, ProblemHttpResult>> (
                InviteRequest request, TeamService team, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var role = string.IsNullOrWhiteSpace(request.Role) ? Roles.Viewer : request.Role.Trim().ToLowerInvariant();
                if (!Roles.IsKnown(role))
                    return Invalid("role", "The role is admin or viewer.");
                var email = AdminAccountService.Normalize(request.Email ?? "");
                if ((await team.ListAsync(ct)).Any(m => m.HasAccount && m.Email.Equals(email, StringComparison.OrdinalIgnoreCase)))
                    return Conflict($"{email} is already on the team: POST /api/v1/users/{{id}}/invite makes them a new link.");
                try
                {
                    var created = await team.InviteAsync(email, role, ApiActor.Actor(user), ct);
                    return TypedResults.Created($"/api/v1/users/{created.Invite.Id}", Invite(http, created, null));
                }
                catch (TeamChangeRefusedException e) { return Invalid("email", e.Message); }
            })
            .WithSummary("Invites a person {email, role}: the answer's inviteUrl is a one-time link, valid 24 h and shown only this once. Needs a full key or an admin's sign-in.");

        group.MapPut("/{id:guid}", async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> (
                Guid id, RoleRequest request, TeamService team, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var role = request.Role?.Trim().ToLowerInvariant();
                if (!Roles.IsKnown(role))
                    return Invalid("role", "The role is admin or viewer.");
                if (await FindAsync(team, id, ct) is not { HasAccount: true })
                    return NotFound(id);
                try { await team.SetRoleAsync(id, role!, ApiActor.Actor(user), ct); }
                catch (TeamChangeRefusedException e) { return Conflict(e.Message); }
                return TypedResults.Ok(UserDto.From((await FindAsync(team, id, ct))!));
            })
            .WithSummary("Changes a person's role {role: admin|viewer}; they are signed out everywhere. The last admin stays one (409). Needs a full key or an admin's sign-in.");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, TeamService team, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindAsync(team, id, ct) is null)
                    return NotFound(id);
                try { await team.RemoveAsync(id, ApiActor.Actor(user), ct); }
                catch (TeamChangeRefusedException e) { return Conflict(e.Message); }
                return TypedResults.NoContent();
            })
            .WithSummary("Removes a person (or withdraws a pending invite); they are signed out everywhere. The last admin stays (409). Needs a full key or an admin's sign-in.");

        group.MapPost("/{id:guid}/invite", async Task<Results<Ok<InviteDto>, ProblemHttpResult>> (
                Guid id, TeamService team, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (await FindAsync(team, id, ct) is not { HasAccount: true } member)
                    return NotFound(id);
                try { return TypedResults.Ok(Invite(http, await team.ResetAsync(id, ApiActor.Actor(user), ct), member.LastSignInAt)); }
                catch (TeamChangeRefusedException e) { return Conflict(e.Message); }
            })
            .WithSummary("Resets a person: their password stops working, they are signed out everywhere, and the answer's inviteUrl (shown only this once) lets them choose a new one. Needs a full key or an admin's sign-in.");
    }

    private static async Task<TeamMember?> FindAsync(TeamService team, Guid id, CancellationToken ct) =>
        (await team.ListAsync(ct)).FirstOrDefault(m => m.Id == id);

    private static InviteDto Invite(HttpContext http, CreatedInvite created, DateTimeOffset? lastSignInAt) =>
        new(created.Invite.Id, created.Invite.Email, created.Invite.Role, lastSignInAt,
            InviteLinks.For($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/", created.Token), created.Invite.ExpiresAt);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "No such person", detail: $"Nobody on the team has the id {id}.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(title: "The team was not changed", detail: detail, statusCode: StatusCodes.Status409Conflict);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The team was not changed");
}
