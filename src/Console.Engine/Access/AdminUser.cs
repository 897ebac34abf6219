namespace WebhookConsole.Engine.Access;

/// <summary>A person who signs in to the admin console.</summary>
public sealed class AdminUser
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Email { get; set; }
    /// <summary>The password's hash; empty while a reset (a new invite) is pending, so no password signs in.</summary>
    public required string PasswordHash { get; set; }
    /// <summary><see cref="Roles.Admin"/> or <see cref="Roles.Viewer"/>.</summary>
    public string Role { get; set; } = Roles.Admin;
    /// <summary>Changes whenever the person's sign-ins must end (password changed or reset, role changed): every cookie carrying the old one is refused.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}

/// <summary>What a person may do: an admin everything, a viewer sees every page and log and changes nothing.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";

    /// <summary>Whether <paramref name="role"/> is one of the two roles.</summary>
    public static bool IsKnown(string? role) => role is Admin or Viewer;
}
