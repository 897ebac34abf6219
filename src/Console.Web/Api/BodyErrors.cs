using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WebhookConsole.Web.Api;

/// <summary>
/// Says, in the API's own words, what is wrong with a JSON body that could not be read: which field, and what it takes
/// ("assistantId must be a UUID…"), never the name of a .NET type.
/// </summary>
public static partial class BodyErrors
{
    /// <summary>The field at fault (<c>assistantId</c>, <c>images[0]</c>, or <c>body</c>) and a sentence about it.</summary>
    public static (string Field, string Message) Describe(JsonException e, Type? bodyType)
    {
        var field = FieldName(e.Path);
        var where = e.LineNumber is { } line ? $" (line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1})" : "";
        // System.Text.Json's conversion failures start like this and name a .NET type; syntax errors come from the reader.
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            var type = bodyType is null ? null : TypeAt(bodyType, e.Path);
            return (field, type is null
                ? $"{field} has a value of the wrong type{where}."
                : $"{field} must be {Words(type)}{where}.");
        }
        var reader = ReaderDetail().Replace(e.Message, "").Trim();
        return (field, $"The request body is not valid JSON: {reader}{where}");
    }

    /// <summary>
    /// Rewords ASP.NET Core's binding failures, which name the handler's parameter and its .NET type
    /// (<c>Failed to bind parameter "int? page" from "abc".</c>), as the field and what it takes.
    /// </summary>
    public static string Reword(string message)
    {
        if (BindFailure().Match(message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            var type = KeywordType(bind.Groups["type"].Value);
            return type is null
                ? $"{name} has a value this route cannot read: \"{bind.Groups["value"].Value}\"."
                : $"{name} must be {Words(type)}, not \"{bind.Groups["value"].Value}\".";
        }
        if (message.Contains("from the request body", StringComparison.Ordinal) || message.Contains("was not provided from body", StringComparison.Ordinal))
            return "This route needs a JSON body (Content-Type: application/json).";
        return message.Contains("parameter \"", StringComparison.Ordinal) ? "The request could not be read for this route." : message;
    }

    // ASP.NET Core writes the parameter's type as C# does (int?, Guid?) or by its CLR name (Nullable<int>, Int32).
    private static Type? KeywordType(string name)
    {
        name = name.TrimEnd('?');
        if (name.StartsWith("Nullable<", StringComparison.Ordinal))
            name = name["Nullable<".Length..].TrimEnd('>');
        return name switch
        {
            "int" or "Int32" or "short" or "Int16" => typeof(int), "long" or "Int64" => typeof(long),
            "bool" or "Boolean" => typeof(bool), "double" or "Double" or "float" or "Single" => typeof(double),
            "decimal" or "Decimal" => typeof(decimal), "string" or "String" => typeof(string), "Guid" => typeof(Guid),
            "DateTimeOffset" => typeof(DateTimeOffset), "DateTime" => typeof(DateTime), "TimeSpan" => typeof(TimeSpan),
            _ => null,
        };
    }

    private static string FieldName(string? path)
    {
        if (path is null or "$" or "")
            return "body";
        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return name.Length == 0 ? "body" : name;
    }

    // Walks "$.a.b[0].c" through the body type's properties (matched as the web serializer names them: case-insensitively).
    private static Type? TypeAt(Type root, string? path)
    {
        if (path is null)
            return null;
        var type = Nullable.GetUnderlyingType(root) ?? root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            if (segment.Groups["index"].Success)
            {
                type = ElementType(type);
            }
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                type = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
            }
            if (type is null)
                return null;
            type = Nullable.GetUnderlyingType(type) ?? type;
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : null;

    private static string Words(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Guid)) return "a UUID, e.g. \"3f2504e0-4f89-41d3-9a0c-0305e82c3301\"";
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float)) return "a number";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a date and time in ISO 8601, e.g. \"2026-12-01T09:30:00Z\"";
        if (type == typeof(TimeSpan)) return "a duration, e.g. \"00:30:00\"";
        if (type.IsEnum) return "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => "\"" + JsonNamingPolicy.CamelCase.ConvertName(n) + "\""));
        if (type == typeof(JsonNode) || type == typeof(JsonElement)) return "a JSON value";
        if (type == typeof(JsonArray)) return "a JSON array";
        if (ElementType(type) is { } element && type != typeof(string) && !typeof(IDictionary).IsAssignableFrom(type))
            return $"an array whose items are each {Words(element)}";
        return "a JSON object";
    }

    [GeneratedRegex("""Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from "(?<value>[^"]*)""")]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"\s*(Path:.*|LineNumber:.*)$")]
    private static partial Regex ReaderDetail();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();
}
