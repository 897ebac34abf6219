using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;

using WebhookConsole.Engine.Access;

namespace WebhookConsole.Web.Access;

/// <summary>The admin accounts that sign in to the console, with passwords hashed by ASP.NET Core's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed class AdminAccountService(IDbContextFactory<ConsoleDbContext> dbFactory, TimeProvider time)
{
    private readonly PasswordHasher<AdminUser> _hasher = new();

    /// <summary>
    /// Makes sure the configured admin exists. A configured password is (re)applied; with none and no account yet,
    /// a random one is generated and returned so the caller can show it once.
    /// </summary>
    public async Task<string?> EnsureAdminAsync(string email, string? configuredPassword, CancellationToken ct = default)
    {
        email = email.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == email, ct);
        string? generated = null;
        if (user is null)
        {
            var password = string.IsNullOrEmpty(configuredPassword) ? generated = GeneratePassword() : configuredPassword;
            user = new AdminUser { Email = email, PasswordHash = "", CreatedAt = time.GetUtcNow() };
            user.PasswordHash = _hasher.HashPassword(user, password);
            db.AdminUsers.Add(user);
        }
        else if (!string.IsNullOrEmpty(configuredPassword) &&
                 _hasher.VerifyHashedPassword(user, user.PasswordHash, configuredPassword) == PasswordVerificationResult.Failed)
        {
            // The configuration is the way back in when a password is lost: a changed setting wins.
            user.PasswordHash = _hasher.HashPassword(user, configuredPassword);
        }
        await db.SaveChangesAsync(ct);
        return generated;
    }

    /// <summary>Checks an email and password; returns the account when they match.</summary>
    public async Task<AdminUser?> VerifyAsync(string email, string password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.Email == email.Trim(), ct);
        if (user is null)
        {
            // Hash anyway so a wrong email takes as long as a wrong password.
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

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
}
