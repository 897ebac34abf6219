using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Web.Api;

/// <summary>Create an assistant (optionally with the id it has elsewhere, e.g. seed 003's botId) or rename one.</summary>
public sealed record AssistantRequest(string? Name, Guid? Id);

/// <summary>An assistant and how many actions it has.</summary>
public sealed record AssistantDto(Guid Id, string Name, int Actions, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AssistantDto From(Assistant a, int actions) => new(a.Id, a.Name, actions, a.CreatedAt, a.UpdatedAt);
}

/// <summary>The company id (<c>$company.id</c>); null or empty clears it.</summary>
public sealed record CompanyDto(string? CompanyId);

/// <summary>
/// An action in seed 001's form. <c>body</c> is the template: a string (it may be invalid JSON until substituted, e.g.
/// <c>"all_images": $images</c>) or a JSON object. <c>trigger.parameters</c> is a JSON Schema object (or its text).
/// A header whose value is null keeps its stored value (Authorization-like values are stored encrypted and shown masked).
/// </summary>
public sealed record ActionRequest(
    string? Type, Guid? AssistantId, string? Name, string? Url, string? Method, HeaderDto[]? Headers, JsonNode? Body,
    string? ResponseDirective, bool? InterpretResponse, TriggerDto? Trigger, int? TimeoutSeconds)
{
    public ActionInput ToInput(Guid assistantId) => new(assistantId, Name, Url, Method,
        Headers?.Select(h => new ActionHeaderInput(h.Key, h.Value == WebhookDto.MaskedValue ? null : h.Value)).ToList(),
        Text(Body), ResponseDirective, InterpretResponse ?? Trigger?.InterpretResponse ?? true,
        Trigger is null ? null : new TriggerInput(Trigger.Name, Trigger.Description, Text(Trigger.Parameters)), TimeoutSeconds ?? 10);

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
    };
}

/// <summary>
/// The function the assistant's model calls, with its parameters as JSON Schema. Seed 001 puts InterpretResponse on the
/// trigger, so it is accepted (and shown) here too; the top-level field wins when both are given.
/// </summary>
public sealed record TriggerDto(string? Name, string? Description, JsonNode? Parameters, bool? InterpretResponse = null);

/// <summary>An action as the API shows it (secret header values masked).</summary>
public sealed record ActionDto(
    Guid Id, string Type, Guid AssistantId, string Name, string Url, string Method, IReadOnlyList<HeaderDto> Headers, string? Body,
    string? ResponseDirective, bool InterpretResponse, TriggerDto Trigger, int TimeoutSeconds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ActionDto From(AssistantAction a) => new(a.Id, a.Type, a.AssistantId, a.Name, a.Url, a.Method,
        a.Headers.Select(h => new HeaderDto(h.Key, h.Protected ? WebhookDto.MaskedValue : h.Value)).ToList(), a.Body, a.ResponseDirective,
        a.InterpretResponse, new TriggerDto(a.TriggerName, a.TriggerDescription, JsonNode.Parse(a.TriggerParameters), a.InterpretResponse), a.TimeoutSeconds,
        a.CreatedAt, a.UpdatedAt);
}

/// <summary>Preview: a session (optional), the trigger's arguments, sample client_data (<c>variables</c>) and images.</summary>
public sealed record PreviewRequest(Guid? SessionId, JsonObject? Arguments, JsonObject? Variables, string[]? Images);

/// <summary>A request as sent (or as it would be), secrets masked.</summary>
public sealed record RequestDto(string Method, string Url, IReadOnlyList<HeaderDto> Headers, string? Body)
{
    public static RequestDto From(PreparedRequest r) => new(r.Method, r.Url, r.Headers.Select(h => new HeaderDto(h.Key, h.Value)).ToList(), r.Body);
}

/// <summary>What an action would send, without sending it, and what would stop it.</summary>
public sealed record PreviewDto(
    string Method, string Url, IReadOnlyList<HeaderDto> Headers, string? Body, JsonObject VariablesUsed, IReadOnlyList<string> Unresolved,
    IReadOnlyList<string> Notes, IReadOnlyDictionary<string, string[]> Problems, IReadOnlyDictionary<string, string[]> ArgumentErrors, bool CanSend)
{
    public static PreviewDto From(ActionPreview p) => new(p.Request.Method, p.Request.Url,
        p.Request.Headers.Select(h => new HeaderDto(h.Key, h.Value)).ToList(), p.Request.Body, p.VariablesUsed, p.Request.Unresolved,
        p.Request.Notes, p.Request.Problems, p.ArgumentErrors, p.CanSend);
}

/// <summary>Invoke an action in a session with the trigger's arguments.</summary>
public sealed record InvokeRequest(JsonObject? Arguments);

/// <summary>The receiver's answer: its status and body (JSON when it was JSON, else text).</summary>
public sealed record ResponseDto(int Status, JsonNode? Body);

/// <summary>What invoking did. <c>directive</c> is left out when the action's interpretResponse is false.</summary>
public sealed record InvokeDto(
    RequestDto Request, ResponseDto? Response,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Directive,
    JsonObject? ClientDataMerged, JsonObject VariablesUsed, int DurationMs, string? Error, IReadOnlyList<string> Unresolved, long LogEntryId)
{
    public static InvokeDto From(InvokeResult r) => new(RequestDto.From(r.Request),
        r.Outcome?.StatusCode is { } status ? new ResponseDto(status, BodyNode(r.Outcome.ResponseBody)) : null,
        r.Directive, r.ClientDataMerged, r.VariablesUsed, r.Outcome?.DurationMs ?? 0, r.LogEntry.Error, r.Request.Unresolved, r.LogEntry.Id);

    internal static JsonNode? BodyNode(string? body) =>
        string.IsNullOrEmpty(body) ? null : JsonSyntax.Problem(body) is null ? JsonNode.Parse(body) : JsonValue.Create(body);
}

/// <summary>Start a session of an assistant; it carries the company id unless one is given.</summary>
public sealed record SessionCreateRequest(Guid? AssistantId, JsonObject? ClientData, string[]? Images, string? CompanyId);

/// <summary>Update a session: client_data keys are merged (a null value removes a key); images, when given, replace the list.</summary>
public sealed record SessionUpdateRequest(JsonObject? ClientData, string[]? Images);

/// <summary>The same update as a form, as in seed 001's curl: <c>-F 'client_data={"user_id":"usr_999"}'</c>.</summary>
public sealed record SessionFormRequest(
    [property: JsonPropertyName("client_data")] string? ClientData, [property: JsonPropertyName("images")] string[]? Images);

/// <summary>A session: its client_data and images.</summary>
public sealed record SessionDto(Guid Id, Guid AssistantId, string? CompanyId, JsonObject ClientData, IReadOnlyList<string> Images,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SessionDto From(AssistantSession s) =>
        new(s.Id, s.AssistantId, s.CompanyId, s.ClientDataObject(), s.Images, s.CreatedAt, s.UpdatedAt);
}

/// <summary>One call in a session's log (secrets masked).</summary>
public sealed record SessionLogEntryDto(
    long Id, DateTimeOffset At, Guid? ActionId, string ActionName, string Method, string Url, JsonNode? RequestHeaders, string? RequestBody,
    bool Sent, int? Status, JsonNode? ResponseBody, JsonNode? VariablesUsed, JsonNode? ClientDataMerged, int DurationMs, string? Error)
{
    public static SessionLogEntryDto From(SessionLogEntry e) => new(e.Id, e.At, e.ActionId, e.ActionName, e.Method, e.Url,
        JsonNode.Parse(e.RequestHeaders), e.RequestBody, e.Sent, e.StatusCode, InvokeDto.BodyNode(e.ResponseBody), JsonNode.Parse(e.VariablesUsed),
        e.ClientDataMerged is null ? null : JsonNode.Parse(e.ClientDataMerged), e.DurationMs, e.Error);
}
