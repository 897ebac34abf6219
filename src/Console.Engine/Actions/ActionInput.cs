namespace WebhookConsole.Engine.Actions;

/// <summary>What a person or API call sets on an action.</summary>
public sealed record ActionInput(
    Guid AssistantId,
    string? Name,
    string? Url,
    string? Method,
    IReadOnlyList<ActionHeaderInput>? Headers,
    string? Body,
    string? ResponseDirective,
    bool InterpretResponse,
    TriggerInput? Trigger,
    int TimeoutSeconds = 10);

/// <summary>A header template; on update, a null <see cref="Value"/> keeps the stored (masked) value.</summary>
public sealed record ActionHeaderInput(string? Key, string? Value);

/// <summary>The trigger: the function the assistant's model calls, and its parameters as JSON Schema text.</summary>
public sealed record TriggerInput(string? Name, string? Description, string? Parameters);
