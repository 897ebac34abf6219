using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Mapping;

/// <summary>What applying a mapping gave: the renamed fields, and the source paths the payload did not have.</summary>
public sealed record MappingOutput(JsonObject Output, IReadOnlyList<string> Missing)
{
    /// <summary>The fields outside <c>contact.</c>: an event's data.</summary>
    public JsonObject WithoutContact()
    {
        var copy = Output.DeepClone().AsObject();
        copy.Remove(MappingTargets.ContactRoot);
        return copy;
    }
}

/// <summary>Applies mapped fields to a payload: each source value is copied to its target name; nothing else is kept.</summary>
public static class MappingApplier
{
    /// <summary>Builds the output object. A source the payload lacks is left out (and listed in <see cref="MappingOutput.Missing"/>).</summary>
    public static MappingOutput Apply(IEnumerable<MappedField> fields, JsonNode? payload)
    {
        var output = new JsonObject();
        var missing = new List<string>();
        foreach (var field in fields)
        {
            if (!FieldPath.TryParse(field.Source, out var source, out _) || !FieldPath.TrySelect(payload, source, out var value))
            {
                missing.Add(field.Source);
                continue;
            }
            Set(output, field.Target.Split('.'), value?.DeepClone());
        }
        return new MappingOutput(output, missing);
    }

    private static void Set(JsonObject target, string[] names, JsonNode? value)
    {
        var current = target;
        foreach (var name in names[..^1])
        {
            if (current[name] is not JsonObject child)
            {
                child = new JsonObject();
                current[name] = child;
            }
            current = child;
        }
        current[names[^1]] = value;
    }
}
