using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Web.Components.Pages.Assistants;

/// <summary>What the action editor holds while a person types; turned into an <see cref="ActionInput"/> on save.</summary>
public sealed class ActionForm
{
    public string Name { get; set; } = "";
    public string Method { get; set; } = "POST";
    public string Url { get; set; } = "https://";
    public List<ActionHeaderRow> Headers { get; set; } = [new() { Key = "Content-Type", Value = "application/json" }];
    public string Body { get; set; } = "{\n  \"field\": \"$variable\"\n}";
    public string ResponseDirective { get; set; } = "";
    public bool InterpretResponse { get; set; } = true;
    public string TriggerName { get; set; } = "";
    public string TriggerDescription { get; set; } = "";
    public string Parameters { get; set; } = "{\n  \"type\": \"object\",\n  \"properties\": {},\n  \"required\": []\n}";
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The form of a saved action: secret header values stay empty (shown masked, kept unless retyped).</summary>
    public static ActionForm From(AssistantAction a) => new()
    {
        Name = a.Name,
        Method = a.Method,
        Url = a.Url,
        Headers = a.Headers.Select(h => new ActionHeaderRow { Key = h.Key, Value = h.Protected ? "" : h.Value, Saved = h.Protected }).ToList(),
        Body = a.Body ?? "",
        ResponseDirective = a.ResponseDirective ?? "",
        InterpretResponse = a.InterpretResponse,
        TriggerName = a.TriggerName,
        TriggerDescription = a.TriggerDescription,
        Parameters = a.TriggerParameters,
        TimeoutSeconds = a.TimeoutSeconds,
    };

    public ActionInput ToInput(Guid assistantId) => new(assistantId, Name, Url, Method,
        Headers.Select(h => new ActionHeaderInput(h.Key, h.Saved && h.Value.Length == 0 ? null : h.Value)).ToList(),
        Method == "GET" ? null : Body, ResponseDirective, InterpretResponse, new TriggerInput(TriggerName, TriggerDescription, Parameters), TimeoutSeconds);
}

/// <summary>A header row; <see cref="Saved"/> marks a stored secret value that is kept while the box is left blank.</summary>
public sealed class ActionHeaderRow
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public bool Saved { get; set; }
}
