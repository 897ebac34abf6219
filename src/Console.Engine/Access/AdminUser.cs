namespace WebhookConsole.Engine.Access;

/// <summary>A person who signs in to the admin console.</summary>
public sealed class AdminUser
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Email { get; set; }
    public required string PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
