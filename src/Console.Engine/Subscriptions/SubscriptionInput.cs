namespace WebhookConsole.Engine.Subscriptions;

/// <summary>What a person or API call sets on a subscription.</summary>
public sealed record SubscriptionInput(
    string Name,
    string Url,
    IReadOnlyList<string> Events,
    bool Enabled = true,
    IReadOnlyList<HeaderInput>? Headers = null,
    string? AssistantId = null,
    int TimeoutSeconds = 10,
    IReadOnlyList<int>? RetrySchedule = null,
    int? MaxConcurrency = null,
    int? RateLimitPerSecond = null,
    Guid? MappingId = null);

/// <summary>A custom header; a null <see cref="Value"/> on update keeps the stored (masked) value.</summary>
public sealed record HeaderInput(string Key, string? Value);

/// <summary>The input was refused; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class SubscriptionValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The webhook was not saved: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
