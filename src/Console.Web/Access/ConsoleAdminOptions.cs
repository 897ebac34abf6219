namespace WebhookConsole.Web.Access;

/// <summary>The first admin account, bound from <c>Console:Admin</c>.</summary>
public sealed class ConsoleAdminOptions
{
    /// <summary>The sign-in email of the first admin.</summary>
    public string Email { get; set; } = "admin@localhost";

    /// <summary>Its password; when empty on first start, one is generated and written once to the log.</summary>
    public string? Password { get; set; }
}
