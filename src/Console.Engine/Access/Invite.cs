using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Access;

/// <summary>A one-time link an admin made for a person to choose a password: only the token's hash is kept.</summary>
public sealed class Invite
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Email { get; set; }
    public string Role { get; set; } = Roles.Viewer;
    /// <summary>Lower-case hex SHA-256 of the token in the link.</summary>
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>Wrong passwords recently given for one email (an account or not), so guessing slows down the same way for both.</summary>
public sealed class SignInFailures
{
    /// <summary>Lower-case hex SHA-256 of the lower-cased email: an unknown email leaves no readable trace.</summary>
    public required string EmailHash { get; set; }
    public int Count { get; set; }
    public DateTimeOffset FirstAt { get; set; }
    public DateTimeOffset LastAt { get; set; }
}

internal sealed class InviteConfiguration : IEntityTypeConfiguration<Invite>
{
    public void Configure(EntityTypeBuilder<Invite> e)
    {
        e.ToTable("Invites");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => x.Email);
        e.Property(x => x.Email).HasMaxLength(256);
        e.Property(x => x.Role).HasMaxLength(16);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(256);
    }
}

internal sealed class SignInFailuresConfiguration : IEntityTypeConfiguration<SignInFailures>
{
    public void Configure(EntityTypeBuilder<SignInFailures> e)
    {
        e.HasKey(x => x.EmailHash);
        e.Property(x => x.EmailHash).HasMaxLength(64);
    }
}
