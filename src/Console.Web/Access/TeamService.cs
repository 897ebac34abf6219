using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Web.Access;

/// <summary>
/// A person on the team as Settings → Team lists them; <see cref="InvitePending"/> until they chose a password, and without an
/// account (<see cref="HasAccount"/> false, the id is the invite's) until they first used their link.
/// </summary>
public sealed record TeamMember(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, bool InvitePending, bool HasAccount = true);

/// <summary>An invite just made: the token for the link is shown once and never stored.</summary>
public sealed record CreatedInvite(Invite Invite, string Token);

/// <summary>What a team change could not do, in words (the last admin, an unknown person…).</summary>
public sealed class TeamChangeRefusedException(string message) : Exception(message);

/// <summary>
/// The team: invites by one-time link (valid 24 h, shown once, no mail server needed), resets, removals and roles.
/// Every change that takes something away from a person ends their sign-ins (a new security stamp).
/// </summary>
public sealed class TeamService(IDbContextFactory<ConsoleDbContext> dbFactory, AdminAccountService accounts, AuditLog audit, TimeProvider time)
{
    /// <summary>How long an invite link works.</summary>
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromHours(24);

    /// <summary>Everyone who can sign in or has a pending invite, by email.</summary>
    public async Task<IReadOnlyList<TeamMember>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var users = await db.AdminUsers.AsNoTracking().ToListAsync(ct);
        var pending = (await db.Set<Invite>().AsNoTracking().Where(i => i.UsedAt == null).ToListAsync(ct))
            .Where(i => i.ExpiresAt > now).ToList();
        var members = users.Select(u => new TeamMember(u.Id, u.Email, u.Role, u.CreatedAt, u.LastSignInAt, u.PasswordHash.Length == 0)).ToList();
        members.AddRange(pending.Where(i => users.All(u => !u.Email.Equals(i.Email, StringComparison.OrdinalIgnoreCase)))
            .Select(i => new TeamMember(i.Id, i.Email, i.Role, i.CreatedAt, null, true, HasAccount: false)));
        return members.OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Invites a new person with <paramref name="role"/>; returns the link's token (shown once).</summary>
    public async Task<CreatedInvite> InviteAsync(string email, string role, string actor, CancellationToken ct = default)
    {
        email = AdminAccountService.Normalize(email);
        if (email.Length is < 3 or > 256 || !email.Contains('@'))
            throw new TeamChangeRefusedException("Enter the person's email address, e.g. ana@example.com.");
        if (!Roles.IsKnown(role))
            throw new TeamChangeRefusedException("The role is admin or viewer.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.AdminUsers.AnyAsync(u => u.Email.ToLower() == email, ct))
            throw new TeamChangeRefusedException($"{email} is already on the team: reset them to send a new link.");
        var created = NewInvite(db, email, role, actor);
        audit.Add(db, actor, "user.invited", "user", created.Invite.Id.ToString(), email, new Dictionary<string, object?> { ["role"] = role });
        await db.SaveChangesAsync(ct);
        return created;
    }

    /// <summary>The open invite for a link's token, or null when the link is unknown, used or expired.</summary>
    public async Task<Invite?> FindInviteAsync(string token, CancellationToken ct = default)
    {
        var hash = HashToken(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invite = await db.Set<Invite>().AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash && i.UsedAt == null, ct);
        return invite is not null && invite.ExpiresAt > time.GetUtcNow() ? invite : null;
    }

    /// <summary>Uses an invite: the person's account gets <paramref name="password"/> (created, or reset). Returns the account.</summary>
    public async Task<AdminUser> AcceptAsync(string token, string password, CancellationToken ct = default)
    {
        if (AdminAccountService.PasswordProblem(password) is { } problem)
            throw new TeamChangeRefusedException(problem);
        var hash = HashToken(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invite = await db.Set<Invite>().FirstOrDefaultAsync(i => i.TokenHash == hash && i.UsedAt == null, ct);
        if (invite is null || invite.ExpiresAt <= time.GetUtcNow())
            throw new TeamChangeRefusedException("This link has expired or was already used. Ask an admin for a new one.");
        var email = invite.Email;
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email.ToLower() == email, ct);
        if (user is null)
        {
            user = new AdminUser { Email = invite.Email, PasswordHash = "", Role = invite.Role, CreatedAt = time.GetUtcNow() };
            db.AdminUsers.Add(user);
        }
        user.PasswordHash = accounts.Hash(user, password);
        user.SecurityStamp = AdminAccountService.NewStamp();
        invite.UsedAt = time.GetUtcNow();
        audit.Add(db, user.Email, "user.password_set", "user", user.Id.ToString(), user.Email);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Resets a person: their password stops working, they are signed out everywhere, and a new link is made.</summary>
    public async Task<CreatedInvite> ResetAsync(Guid userId, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Id == userId, ct)
                   ?? throw new TeamChangeRefusedException("That person is no longer on the team.");
        user.PasswordHash = "";
        user.SecurityStamp = AdminAccountService.NewStamp();
        await RetireInvitesAsync(db, user.Email, ct);
        var created = NewInvite(db, user.Email, user.Role, actor);
        audit.Add(db, actor, "user.reset", "user", user.Id.ToString(), user.Email);
        await db.SaveChangesAsync(ct);
        return created;
    }

    /// <summary>Removes a person (or a pending invite): they are signed out everywhere. The last admin stays.</summary>
    public async Task RemoveAsync(Guid id, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.AdminUsers.FirstOrDefaultAsync(u => u.Id == id, ct) is { } user)
        {
            await RefuseLosingTheLastAdminAsync(db, user, ct);
            db.AdminUsers.Remove(user);
            await RetireInvitesAsync(db, user.Email, ct);
            audit.Add(db, actor, "user.removed", "user", user.Id.ToString(), user.Email);
        }
        else if (await db.Set<Invite>().FirstOrDefaultAsync(i => i.Id == id && i.UsedAt == null, ct) is { } invite)
        {
            invite.UsedAt = time.GetUtcNow();
            audit.Add(db, actor, "user.invite_withdrawn", "user", invite.Id.ToString(), invite.Email);
        }
        else
        {
            throw new TeamChangeRefusedException("That person is no longer on the team.");
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Makes a person an admin or a viewer; a new role ends their sign-ins so it applies at once. The last admin stays one.</summary>
    public async Task SetRoleAsync(Guid userId, string role, string actor, CancellationToken ct = default)
    {
        if (!Roles.IsKnown(role))
            throw new TeamChangeRefusedException("The role is admin or viewer.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Id == userId, ct)
                   ?? throw new TeamChangeRefusedException("That person is no longer on the team.");
        if (user.Role == role)
            return;
        if (role != Roles.Admin)
            await RefuseLosingTheLastAdminAsync(db, user, ct);
        audit.Add(db, actor, "user.role_changed", "user", user.Id.ToString(), user.Email,
            new Dictionary<string, object?> { ["role"] = new[] { user.Role, role } });
        user.Role = role;
        user.SecurityStamp = AdminAccountService.NewStamp();
        await db.SaveChangesAsync(ct);
    }

    private static async Task RefuseLosingTheLastAdminAsync(ConsoleDbContext db, AdminUser user, CancellationToken ct)
    {
        if (user.Role == Roles.Admin && !await db.AdminUsers.AnyAsync(u => u.Id != user.Id && u.Role == Roles.Admin && u.PasswordHash != "", ct))
            throw new TeamChangeRefusedException($"{user.Email} is the last admin who can sign in: make someone else an admin first.");
    }

    private async Task RetireInvitesAsync(ConsoleDbContext db, string email, CancellationToken ct)
    {
        var lower = email.ToLowerInvariant();
        foreach (var open in await db.Set<Invite>().Where(i => i.Email.ToLower() == lower && i.UsedAt == null).ToListAsync(ct))
            open.UsedAt = time.GetUtcNow();
    }

    private CreatedInvite NewInvite(ConsoleDbContext db, string email, string role, string actor)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var invite = new Invite { Email = email, Role = role, TokenHash = HashToken(token), CreatedAt = now, ExpiresAt = now + InviteLifetime, CreatedBy = actor };
        db.Set<Invite>().Add(invite);
        return new CreatedInvite(invite, token);
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
