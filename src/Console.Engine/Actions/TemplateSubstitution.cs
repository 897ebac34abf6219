namespace WebhookConsole.Engine.Actions;

/// <summary>Where a template is used; it decides how each value is encoded.</summary>
public enum TemplateContext
{
    /// <summary>The request URL: path segments, query and fragment percent-encoded; nothing may supply the scheme.</summary>
    Url,
    /// <summary>A header value: literal, but no line breaks, control characters or non-ASCII.</summary>
    HeaderValue,
    /// <summary>A JSON body: JSON-escaped inside string literals, JSON values outside them.</summary>
    JsonBody,
    /// <summary>An <c>application/x-www-form-urlencoded</c> body: percent-encoded.</summary>
    FormBody,
    /// <summary>Any other body: literal.</summary>
    TextBody,
}

/// <summary>The text after substitution, which variables it used, and what stopped it from being usable.</summary>
/// <param name="Unresolved">Names written as <c>$name</c> that match no variable; they are left exactly as written.</param>
/// <param name="Problems">Reasons the result must not be sent (a header value with a line break, a value that would change the URL's host…).</param>
/// <param name="Notes">Things worth knowing that are not errors, e.g. a longer name read as a shorter variable plus text.</param>
public sealed record SubstitutionResult(
    string Text, IReadOnlyList<string> Used, IReadOnlyList<string> Unresolved, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    /// <summary>Whether the text may be sent.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Replaces <c>$variables</c> in one pass, longest name first, encoding each value for where it lands (seed 001,
/// "Variable Substitution Behavior"). A value is never scanned again, so a value holding <c>$other</c> stays literal.
/// </summary>
public static class TemplateSubstitution
{
    /// <summary>Substitutes every variable of <paramref name="variables"/> that <paramref name="template"/> names.</summary>
    public static SubstitutionResult Substitute(string template, TemplateContext context, VariableSet variables)
    {
        var writer = ContextWriter.For(context);
        var used = new List<string>();
        var unresolved = new List<string>();
        var notes = new List<string>();
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] == '$' && variables.TryMatch(template, i + 1, out var name, out var value))
            {
                var end = i + 1 + name.Length;
                var index = TemplateNames.IndexLength(template, end);
                if (index > 0)
                {
                    // "$images[5]" with two images: not "$images" followed by "[5]", but a name that does not exist.
                    AddOnce(unresolved, name + template.Substring(end, index));
                    writer.Literal('$');
                    i++;
                    continue;
                }
                if (end < template.Length && TemplateNames.IsNamePart(template[end]))
                {
                    var written = template.Substring(i + 1, TemplateNames.TokenLength(template, i + 1));
                    AddOnce(notes, $"${written} was read as ${name} followed by \"{written[name.Length..]}\" (no variable is named {written}).");
                }
                writer.Value(name, value);
                AddOnce(used, name);
                i = end;
                continue;
            }
            if (template[i] == '$' && TemplateNames.TokenLength(template, i + 1) is > 0 and var length)
                AddOnce(unresolved, template.Substring(i + 1, length));
            writer.Literal(template[i]);
            i++;
        }
        writer.End();
        return new SubstitutionResult(writer.Text, used, unresolved, writer.Problems, notes);
    }

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
            list.Add(item);
    }
}
