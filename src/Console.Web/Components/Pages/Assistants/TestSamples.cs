using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Web.Components.Pages.Assistants;

/// <summary>The Test panel's starting samples: one key per client_data variable the templates use, one per trigger parameter.</summary>
public static class TestSamples
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>(client_data, arguments) as indented JSON; <paramref name="headers"/> are the plaintext header templates (only names are taken).</summary>
    public static (string ClientData, string Arguments) For(AssistantAction action, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var arguments = new JsonObject();
        if (JsonSyntax.Problem(action.TriggerParameters) is null && JsonNode.Parse(action.TriggerParameters)?["properties"] is JsonObject properties)
        {
            foreach (var (name, schema) in properties)
                arguments[name] = (schema?["type"] as JsonValue)?.ToString() switch
                {
                    "integer" or "number" => 0,
                    "boolean" => false,
                    "array" => new JsonArray(),
                    "object" => new JsonObject(),
                    _ => "",
                };
        }
        var used = new[] { (action.Url, TemplateContext.Url), (action.Body ?? "", TemplateContext.TextBody) }
            .Concat(headers.Select(h => (h.Value, TemplateContext.HeaderValue)))
            .SelectMany(t => TemplateSubstitution.Substitute(t.Item1, t.Item2, VariableSet.AnyName).Used);
        var clientData = new JsonObject();
        foreach (var name in used.Distinct())
            if (!arguments.ContainsKey(name) && !IsSystem(name))
                clientData[name] = "";
        return (clientData.ToJsonString(Indented), arguments.ToJsonString(Indented));
    }

    private static bool IsSystem(string name) =>
        name is "session.id" or "company.id" or "assistant.id" or "images" || name.StartsWith("images[", StringComparison.Ordinal);
}
