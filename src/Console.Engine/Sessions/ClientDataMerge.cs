using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Sessions;

/// <summary>Merges client_data into a session's: each key given replaces the session's key; a null value removes it.</summary>
public static class ClientDataMerge
{
    /// <summary>The most client_data a session keeps, as JSON characters.</summary>
    public const int MaxLength = 256 * 1024;

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/> and returns the keys that changed, with their new values.</summary>
    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        var changed = new JsonObject();
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                if (target.Remove(key))
                    changed[key] = null;
                continue;
            }
            if (target[key] is { } old && JsonNode.DeepEquals(old, value))
                continue;
            target[key] = value.DeepClone();
            changed[key] = value.DeepClone();
        }
        return changed;
    }

    /// <summary>What is wrong with client_data as given, or null.</summary>
    public static string? Problem(JsonObject clientData)
    {
        if (clientData.Any(kv => kv.Key.Length is 0 or > 200))
            return "Every client_data key is 1 to 200 characters long (each key becomes a $variable).";
        return clientData.ToJsonString().Length > MaxLength ? "client_data is limited to 256 KB of JSON." : null;
    }
}
