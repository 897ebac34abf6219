using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Engine.Contacts;

/// <summary>The contact fields a mapping produced (the <c>contact</c> object of its output); null fields were not mapped.</summary>
public sealed record ContactData(string? Name, string? Phone, string? Email, string? Address, IReadOnlyList<ContactAttribute> Attributes)
{
    /// <summary>The contact part of a mapping's output, or null when it maps no contact field.</summary>
    public static ContactData? From(JsonObject output)
    {
        if (output[MappingTargets.ContactRoot] is not JsonObject contact)
            return null;
        var attributes = contact["attributes"] is JsonObject a
            ? a.Where(kv => Text(kv.Value) is not null).Select(kv => new ContactAttribute(kv.Key, Text(kv.Value)!)).ToList()
            : [];
        return new ContactData(Text(contact["name"]), NormalizePhone(Text(contact["phone"])), NormalizeEmail(Text(contact["email"])),
            Text(contact["address"]), attributes);
    }

    /// <summary>Removes what people type between digits (spaces, dashes, dots, brackets); keeps a leading +.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
            return null;
        var kept = new string(phone.Trim().Where((c, i) => char.IsDigit(c) || (c == '+' && i == 0)).ToArray());
        return kept.Length == 0 ? null : kept;
    }

    public static string? NormalizeEmail(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    // Strings as they are; numbers and booleans as their JSON text; objects and arrays as JSON; null as absent.
    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s ? s.Trim() : null,
        _ => node.ToJsonString(),
    };
}
