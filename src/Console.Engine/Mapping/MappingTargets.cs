using System.Text.RegularExpressions;

namespace WebhookConsole.Engine.Mapping;

/// <summary>The rules for target names, and the contact fields a mapping can fill.</summary>
public static partial class MappingTargets
{
    /// <summary>Targets under this name upsert a contact.</summary>
    public const string ContactRoot = "contact";
    public const string ContactName = "contact.name";
    public const string ContactPhone = "contact.phone";
    public const string ContactEmail = "contact.email";
    public const string ContactAddress = "contact.address";
    /// <summary>Custom attributes: <c>contact.attributes.&lt;key&gt;</c>.</summary>
    public const string ContactAttributes = "contact.attributes.";

    /// <summary>The contact fields, as offered in the editor.</summary>
    public static readonly IReadOnlyList<string> ContactFields = [ContactName, ContactPhone, ContactEmail, ContactAddress];

    /// <summary>Why <paramref name="target"/> cannot be a target name, or null.</summary>
    public static string? Problem(string target)
    {
        if (!TargetName().IsMatch(target))
            return $"'{target}' is not a target name: use letters, digits, _ and -, with dots between levels (e.g. contact.phone, lead.name).";
        if (target == ContactRoot || target.StartsWith(ContactRoot + ".", StringComparison.Ordinal))
        {
            var ok = ContactFields.Contains(target) ||
                     (target.StartsWith(ContactAttributes, StringComparison.Ordinal) && !target[ContactAttributes.Length..].Contains('.'));
            if (!ok)
                return $"'{target}' is not a contact field: use contact.name, contact.phone, contact.email, contact.address or contact.attributes.<name>.";
        }
        return null;
    }

    /// <summary>A target suggested for a picked field, from its last name (<c>mobile_number</c> → <c>contact.phone</c>).</summary>
    public static string Suggest(string sourcePath)
    {
        var leaf = LeafName(sourcePath);
        return leaf.ToLowerInvariant().Replace("-", "_") switch
        {
            "name" or "full_name" or "fullname" or "contact_name" or "customer_name" => ContactName,
            "phone" or "mobile" or "mobile_number" or "phone_number" or "mobile_no" or "whatsapp" or "whatsapp_number" or "msisdn" => ContactPhone,
            "email" or "email_address" or "e_mail" or "mail" => ContactEmail,
            "address" or "street_address" or "full_address" => ContactAddress,
            _ => leaf,
        };
    }

    /// <summary>The last key of a path as a valid target name (<c>payload["x y"][0]</c> → <c>x_y</c>).</summary>
    public static string LeafName(string sourcePath)
    {
        var leaf = FieldPath.TryParse(sourcePath, out var segments, out _)
            ? segments.LastOrDefault(s => !s.IsIndex).Key ?? "field"
            : "field";
        var clean = InvalidChars().Replace(leaf, "_").Trim('_');
        return clean.Length == 0 || !char.IsLetter(clean[0]) && clean[0] != '_' ? "field_" + clean : clean;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,99}(\\.[A-Za-z_][A-Za-z0-9_-]{0,99}){0,9}$")]
    private static partial Regex TargetName();

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex InvalidChars();
}
