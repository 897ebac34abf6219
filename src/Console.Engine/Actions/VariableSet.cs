using System.Text.Json.Nodes;

namespace WebhookConsole.Engine.Actions;

/// <summary>A variable's value (JSON: client_data and arguments are JSON) and whether it is shown masked instead.</summary>
public readonly record struct Variable(JsonNode? Value, bool Masked = false);

/// <summary>
/// The variables a template may use, by name without the <c>$</c>. Lookup is longest name first at a given position,
/// so <c>$session_id</c> wins over <c>$session</c> and <c>$images[0]</c> over <c>$images</c> (seed 001).
/// </summary>
public sealed class VariableSet
{
    /// <summary>What masked values show instead of the secret.</summary>
    public const string MaskText = "••••••••";

    private readonly Dictionary<string, Variable> _byName;
    private readonly string[] _longestFirst;
    private readonly bool _anyName;

    private VariableSet(Dictionary<string, Variable> byName, bool anyName)
    {
        _byName = byName;
        _anyName = anyName;
        _longestFirst = byName.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray();
    }

    /// <summary>No variables at all.</summary>
    public static VariableSet Empty { get; } = new(new Dictionary<string, Variable>(StringComparer.Ordinal), false);

    /// <summary>
    /// Treats every <c>$name</c> as a variable whose value is <c>"x"</c>: checks a template's shape when saving it,
    /// before any session (and so any client_data key) exists.
    /// </summary>
    public static VariableSet AnyName { get; } = new(new Dictionary<string, Variable>(StringComparer.Ordinal), true);

    /// <summary>A set from name/value pairs; a later pair with the same name replaces an earlier one. Empty names are ignored.</summary>
    public static VariableSet From(IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        var byName = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            if (name.Length > 0)
                byName[name] = new Variable(value);
        return new VariableSet(byName, false);
    }

    /// <summary>Every variable, by name.</summary>
    public IReadOnlyDictionary<string, Variable> Values => _byName;

    /// <summary>The same set with the values of names that <paramref name="isSecret"/> picks shown as <see cref="MaskText"/>.</summary>
    public VariableSet Masking(Func<string, bool> isSecret) => _anyName ? this : new VariableSet(
        _byName.ToDictionary(kv => kv.Key, kv => isSecret(kv.Key) ? new Variable(MaskText, Masked: true) : kv.Value, StringComparer.Ordinal),
        false);

    /// <summary>The longest variable name that <paramref name="text"/> holds at <paramref name="start"/> (just after a <c>$</c>).</summary>
    public bool TryMatch(string text, int start, out string name, out Variable value)
    {
        if (_anyName)
        {
            var length = TemplateNames.TokenLength(text, start);
            name = text.Substring(start, length);
            value = new Variable("x");
            return length > 0;
        }
        foreach (var candidate in _longestFirst)
        {
            if (start + candidate.Length <= text.Length && string.CompareOrdinal(text, start, candidate, 0, candidate.Length) == 0)
            {
                name = candidate;
                value = _byName[candidate];
                return true;
            }
        }
        name = "";
        value = default;
        return false;
    }

    /// <summary>Whether a variable has exactly this name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);
}

/// <summary>What counts as a written variable name: <c>letters_digits</c>, dotted parts, an optional <c>[index]</c>.</summary>
public static class TemplateNames
{
    /// <summary>The length of the name written at <paramref name="start"/>, e.g. 10 for <c>session.id</c> or <c>images[0]</c>; 0 when none.</summary>
    public static int TokenLength(string text, int start)
    {
        var i = start;
        while (true)
        {
            if (i >= text.Length || !IsNameStart(text[i]))
                break;
            i++;
            while (i < text.Length && IsNamePart(text[i]))
                i++;
            if (i + 1 < text.Length && text[i] == '.' && IsNameStart(text[i + 1]))
            {
                i++;
                continue;
            }
            break;
        }
        if (i > start)
            i += IndexLength(text, i);
        return i - start;
    }

    /// <summary>The length of an <c>[digits]</c> index at <paramref name="start"/>, or 0.</summary>
    public static int IndexLength(string text, int start)
    {
        if (start >= text.Length || text[start] != '[')
            return 0;
        var i = start + 1;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
            i++;
        return i > start + 1 && i < text.Length && text[i] == ']' ? i + 1 - start : 0;
    }

    /// <summary>A character that may start a name part.</summary>
    public static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    /// <summary>A character that may continue a name part.</summary>
    public static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
