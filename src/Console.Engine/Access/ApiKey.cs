namespace WebhookConsole.Engine.Access;

/// <summary>An API key: only its SHA-256 hash and a short display prefix are stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    /// <summary>The first characters of the key, shown in lists so a person can tell keys apart.</summary>
    public required string Prefix { get; set; }
    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? CreatedBy { get; set; }
    /// <summary>What the key may do: one of <see cref="ApiKeyScopes"/>; keys made before scopes existed are <c>full</c>.</summary>
    public string Scope { get; set; } = ApiKeyScopes.Full;

    public bool IsActive => RevokedAt is null;
}
