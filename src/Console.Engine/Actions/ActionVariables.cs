using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Actions;

/// <summary>
/// The variables of one call (seed 001, "Available Variables"): every client_data key, every trigger argument, the
/// images, and the system variables. On a clash the more specific wins: system over arguments over client_data.
/// </summary>
public static class ActionVariables
{
    /// <summary>Builds the set; a null <paramref name="sessionId"/> or <paramref name="companyId"/> leaves that variable undefined.</summary>
    public static VariableSet For(Guid? sessionId, string? companyId, Guid assistantId, JsonObject clientData, JsonObject arguments,
        IReadOnlyList<string> images)
    {
        var values = new List<KeyValuePair<string, JsonNode?>>();
        values.AddRange(clientData.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));
        values.AddRange(arguments.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));
        values.Add(new("images", new JsonArray(images.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray())));
        values.AddRange(images.Select((url, i) => new KeyValuePair<string, JsonNode?>($"images[{i}]", JsonValue.Create(url))));
        if (sessionId is { } id)
            values.Add(new("session.id", JsonValue.Create(id.ToString())));
        if (!string.IsNullOrEmpty(companyId))
            values.Add(new("company.id", JsonValue.Create(companyId)));
        values.Add(new("assistant.id", JsonValue.Create(assistantId.ToString())));
        return VariableSet.From(values);
    }

    /// <summary>The variables a request used, by name, with secret-named values masked: what may be shown or logged.</summary>
    public static JsonObject Shown(VariableSet variables, IEnumerable<string> used)
    {
        var shown = new JsonObject();
        foreach (var name in used)
            shown[name] = SecretNames.IsSecretVariable(name) ? VariableSet.MaskText : variables.Values[name].Value?.DeepClone();
        return shown;
    }
}
