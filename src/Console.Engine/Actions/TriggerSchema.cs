using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace WebhookConsole.Engine.Actions;

/// <summary>The trigger's parameters as JSON Schema (NJsonSchema 10.7.2): checked when saved, and arguments validated against it.</summary>
public static class TriggerSchema
{
    /// <summary>The parameters of a trigger that takes none.</summary>
    public const string Empty = """{"type": "object", "properties": {}}""";

    /// <summary>Parses <paramref name="text"/>; returns the schema, or what is wrong with it in words.</summary>
    public static async Task<(JsonSchema? Schema, string? Problem)> ParseAsync(string text)
    {
        if (JsonSyntax.Problem(text) is { } syntax)
            return (null, "The parameters are not valid JSON: " + syntax);
        var node = JsonNode.Parse(text);
        if (node is not JsonObject root)
            return (null, "The parameters must be a JSON Schema object, e.g. " + Empty);
        if (root["type"] is JsonValue type && type.TryGetValue<string>(out var t) && t != "object")
            return (null, $"The parameters describe the arguments object, so their \"type\" must be \"object\" (it is \"{t}\").");
        if (root["properties"] is { } properties && properties is not JsonObject)
            return (null, "\"properties\" must be an object: each key is a parameter name (a $variable), each value its schema.");
        try
        {
            return (await JsonSchema.FromJsonAsync(text), null);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return (null, "The parameters are not a JSON Schema this console can read: " + e.Message);
        }
    }

    /// <summary>What is wrong with <paramref name="arguments"/>, keyed by where (<c>arguments.order_number</c>); empty when they are valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(JsonSchema schema, JsonObject arguments)
    {
        var errors = new Dictionary<string, List<string>>();
        foreach (var error in schema.Validate(arguments.ToJsonString()))
            Collect(error, errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void Collect(ValidationError error, Dictionary<string, List<string>> errors)
    {
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0 && error.Kind is not (ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf))
        {
            foreach (var inner in child.Errors.Values.SelectMany(e => e))
                Collect(inner, errors);
            return;
        }
        var path = (error.Path ?? "#").TrimStart('#').Trim('/').Replace('/', '.');
        var key = path.Length == 0 ? "arguments" : "arguments." + path;
        if (!errors.TryGetValue(key, out var list))
            errors[key] = list = [];
        var message = Describe(error);
        if (!list.Contains(message))
            list.Add(message);
    }

    private static string Describe(ValidationError e)
    {
        var name = e.Property is { Length: > 0 } p ? $"'{p}'" : "The arguments";
        var s = e.Schema;
        return e.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"{name} is required.",
            ValidationErrorKind.StringExpected => $"{name} must be a string.",
            ValidationErrorKind.NumberExpected => $"{name} must be a number.",
            ValidationErrorKind.IntegerExpected => $"{name} must be an integer.",
            ValidationErrorKind.BooleanExpected => $"{name} must be true or false.",
            ValidationErrorKind.ObjectExpected => $"{name} must be an object.",
            ValidationErrorKind.ArrayExpected => $"{name} must be an array.",
            ValidationErrorKind.NullExpected => $"{name} must be null.",
            ValidationErrorKind.StringTooShort => $"{name} must be at least {s?.MinLength} characters long.",
            ValidationErrorKind.StringTooLong => $"{name} must be at most {s?.MaxLength} characters long.",
            ValidationErrorKind.PatternMismatch => $"{name} must match the pattern {s?.Pattern}.",
            ValidationErrorKind.NotInEnumeration => $"{name} must be one of: {string.Join(", ", s?.Enumeration.Select(v => v?.ToString() ?? "null") ?? [])}.",
            ValidationErrorKind.NumberTooSmall => $"{name} must be at least {s?.Minimum}.",
            ValidationErrorKind.NumberTooBig => $"{name} must be at most {s?.Maximum}.",
            ValidationErrorKind.TooFewItems => $"{name} must have at least {s?.MinItems} items.",
            ValidationErrorKind.TooManyItems => $"{name} must have at most {s?.MaxItems} items.",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"{name} is not a parameter of this trigger.",
            ValidationErrorKind.DateTimeExpected => $"{name} must be a date-time (ISO 8601).",
            ValidationErrorKind.DateExpected => $"{name} must be a date (yyyy-mm-dd).",
            ValidationErrorKind.EmailExpected => $"{name} must be an email address.",
            ValidationErrorKind.UriExpected => $"{name} must be a URI.",
            ValidationErrorKind.GuidExpected => $"{name} must be a UUID.",
            _ => $"{name}: {Words(e.Kind.ToString())}.",
        };
    }

    private static string Words(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
