using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Assistants;

/// <summary>An AI assistant whose conversations (sessions) call webhook actions; its id is <c>$assistant.id</c>.</summary>
public sealed class Assistant
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class AssistantConfiguration : IEntityTypeConfiguration<Assistant>
{
    public void Configure(EntityTypeBuilder<Assistant> e)
    {
        e.ToTable("Assistants");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
    }
}

/// <summary>A console-wide setting, such as the company id (<c>$company.id</c>).</summary>
public sealed class ConsoleSetting
{
    /// <summary>The company id every new session carries.</summary>
    public const string CompanyId = "company.id";

    public required string Key { get; set; }
    public required string Value { get; set; }
}

internal sealed class ConsoleSettingConfiguration : IEntityTypeConfiguration<ConsoleSetting>
{
    public void Configure(EntityTypeBuilder<ConsoleSetting> e)
    {
        e.ToTable("Settings");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(100);
    }
}

/// <summary>Input was refused; <see cref="Errors"/> maps each field to what is wrong with it, in words.</summary>
public sealed class InvalidInputException(string title, IReadOnlyDictionary<string, string[]> errors)
    : Exception(title + ": " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    /// <summary>What was refused, e.g. "The action was not saved".</summary>
    public string Title { get; } = title;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
