using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Web.Access;

/// <summary>
/// Signs people in: wrong passwords for one email (an account or not, the same way) make its next tries wait, longer each
/// time; every try, failed or not, goes into the audit log with its address; the cookie carries the person's role and
/// security stamp, which <see cref="IsCurrentAsync"/> checks on every request and open page.
/// </summary>
public sealed class SignInService(
    IDbContextFactory<ConsoleDbContext> dbFactory, AdminAccountService accounts, AuditLog audit, TimeProvider time, IOptions<SignInOptions> options)
{
    /// <summary>The claim holding the account's security stamp when the cookie was issued.</summary>
    public const string StampClaim = "console_stamp";

    /// <summary>Checks the password (after the wait this email has earned) and, when it matches, sets the sign-in cookie.</summary>
    public async Task<AdminUser?> SignInAsync(HttpContext http, string email, string password)
    {
        var ct = http.RequestAborted;
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var key = EmailKey(email);
        if (await WaitForAsync(key, ct) is { } wait && wait > TimeSpan.Zero)
            await Task.Delay(wait, time, ct);
        var user = await accounts.VerifyAsync(email, password, ct);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var failures = await db.Set<SignInFailures>().FirstOrDefaultAsync(f => f.EmailHash == key, ct);
            var now = time.GetUtcNow();
            if (user is null)
            {
                if (failures is null || now - failures.LastAt > options.Value.FailureWindow)
                {
                    if (failures is not null) db.Remove(failures);
                    db.Add(failures = new SignInFailures { EmailHash = key, FirstAt = now });
                }
                failures.Count++;
                failures.LastAt = now;
            }
            else if (failures is not null)
            {
                db.Remove(failures);
            }
            var shown = email.Trim() is { Length: > 0 and <= 256 } e ? e : "(no email)";
            audit.Add(db, user?.Email ?? shown, user is null ? "sign_in.failed" : "sign_in.succeeded", "user",
                user?.Id.ToString() ?? "-", shown, new Dictionary<string, object?> { ["address"] = address });
            await db.SaveChangesAsync(ct);
        }
        if (user is not null)
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(user));
        return user;
    }

    /// <summary>Whether the person in <paramref name="principal"/> still exists with the stamp and role their cookie was issued with.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
            return false;
        var user = await accounts.GetAsync(id, ct);
        return user is not null && user.PasswordHash.Length > 0
               && user.SecurityStamp == principal.FindFirstValue(StampClaim) && principal.IsInRole(user.Role);
    }

    /// <summary>The cookie's principal for <paramref name="user"/>: email, id, role and security stamp.</summary>
    public static ClaimsPrincipal Principal(AdminUser user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, user.Email), new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new Claim(ClaimTypes.Role, user.Role), new Claim(StampClaim, user.SecurityStamp),
            new Claim(SessionActivity.SessionClaim, Guid.NewGuid().ToString("N")),
        ],
        CookieAuthenticationDefaults.AuthenticationScheme));

    // How long this email's next try waits: nothing until the limit, then 1 s, 2 s, 4 s… up to MaxDelay.
    private async Task<TimeSpan?> WaitForAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var failures = await db.Set<SignInFailures>().AsNoTracking().FirstOrDefaultAsync(f => f.EmailHash == key, ct);
        var o = options.Value;
        if (failures is null || failures.Count < o.FailuresBeforeDelay || time.GetUtcNow() - failures.LastAt > o.FailureWindow)
            return null;
        var seconds = Math.Pow(2, Math.Min(failures.Count - o.FailuresBeforeDelay, 16));
        return TimeSpan.FromSeconds(Math.Min(seconds, o.MaxDelay.TotalSeconds));
    }

    private static string EmailKey(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminAccountService.Normalize(email))));
}
