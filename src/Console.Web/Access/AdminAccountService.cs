using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Web.Access;

/// <summary>The people who sign in to the console, with passwords hashed by ASP.NET Core's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class AdminAccountService(IDbContextFactory<ConsoleDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>The shortest password a person may choose.</summary>
    public const int MinPasswordLength = 12;
    private readonly PasswordHasher<AdminUser> _hasher = new();

    /// <summary>
    /// Makes sure the configured admin exists and is an admin. A configured password is (re)applied; with none and no
    /// account yet, a random one is generated and returned so the caller can show it once.
    /// </summary>
    public async Task<string?> EnsureAdminAsync(string email, string? configuredPassword, CancellationToken ct = default)
    {
        email = Normalize(email);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email.ToLower() == email, ct);
        string? generated = null;
        if (user is null)
        {
            var password = string.IsNullOrEmpty(configuredPassword) ? generated = GeneratePassword() : configuredPassword;
            user = new AdminUser { Email = email, PasswordHash = "", CreatedAt = time.GetUtcNow() };
            user.PasswordHash = _hasher.HashPassword(user, password);
            db.AdminUsers.Add(user);
        }
        else if (!string.IsNullOrEmpty(configuredPassword) && !Matches(user, configuredPassword))
        {
            // The configuration is the way back in when a password is lost: a changed setting wins, and ends old sign-ins.
            user.PasswordHash = _hasher.HashPassword(user, configuredPassword);
            user.SecurityStamp = NewStamp();
        }
        user.Role = Roles.Admin; // the configured account is always an admin
        await db.SaveChangesAsync(ct);
        return generated;
    }

    /// <summary>Checks an email and password; returns the account when they match. Takes as long for an unknown email.</summary>
    public async Task<AdminUser?> VerifyAsync(string email, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = Normalize(email);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email.ToLower() == normalized, ct);
        if (user is null || user.PasswordHash.Length == 0)
        {
            // Hash anyway so a wrong email (or a reset account) takes as long as a wrong password.
            _hasher.HashPassword(new AdminUser { Email = "", PasswordHash = "" }, password);
            return null;
        }
        var result = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
            return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            user.PasswordHash = _hasher.HashPassword(user, password);
        user.LastSignInAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>The account with this id, or null (removed).</summary>
    public async Task<AdminUser?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AdminUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
    }

    /// <summary>Changes a person's own password after checking the current one; ends their other sign-ins. Returns the problem, or null.</summary>
    public async Task<(string? Problem, AdminUser? User)> ChangePasswordAsync(Guid id, string current, string next, CancellationToken ct = default)
    {
        if (PasswordProblem(next) is { } problem)
            return (problem, null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
            return ("This account no longer exists.", null);
        if (user.PasswordHash.Length == 0 || !Matches(user, current))
            return ("The current password is not right.", null);
        user.PasswordHash = _hasher.HashPassword(user, next);
        user.SecurityStamp = NewStamp();
        audit.Add(db, user.Email, "user.password_changed", "user", user.Id.ToString(), user.Email);
        await db.SaveChangesAsync(ct);
        return (null, user);
    }

    /// <summary>Why <paramref name="password"/> cannot be used, or null.</summary>
    public static string? PasswordProblem(string? password) =>
        password is null || password.Length < MinPasswordLength
            ? $"Choose a password of at least {MinPasswordLength} characters."
            : password.Length > 256 ? "A password may have at most 256 characters." : null;

    internal string Hash(AdminUser user, string password) => _hasher.HashPassword(user, password);

    internal static string NewStamp() => Guid.NewGuid().ToString("N");

    /// <summary>Emails are compared trimmed and lower-cased.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    private bool Matches(AdminUser user, string password) =>
        _hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
}
