using System.Reflection;

namespace WebhookConsole.Engine.Actions;

/// <summary>An action's request after substitution: what would be sent, which variables it used, and what stops it.</summary>
public sealed record PreparedRequest(
    string Method,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Body,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved,
    IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, string[]> Problems)
{
    /// <summary>Whether it may be sent: nothing in <see cref="Problems"/>.</summary>
    public bool CanSend => Problems.Count == 0;
}

/// <summary>Builds an action's request from its templates and a set of variables. Pure: sends nothing.</summary>
public static class ActionRequestBuilder
{
    /// <summary>The User-Agent sent unless the action sets its own.</summary>
    public static readonly string UserAgent = "WebhookConsole/" +
        (typeof(ActionRequestBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0");

    /// <summary>How the body is encoded, from its Content-Type header: JSON when there is none or it names JSON.</summary>
    public static TemplateContext BodyContext(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var contentType = headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            return TemplateContext.JsonBody;
        return contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? TemplateContext.FormBody : TemplateContext.TextBody;
    }

    /// <summary>Substitutes <paramref name="variables"/> into every part of the request; a JSON body must parse afterwards.</summary>
    public static PreparedRequest Build(string method, string url, IReadOnlyList<KeyValuePair<string, string>> headers, string? body, VariableSet variables)
    {
        var problems = new Dictionary<string, List<string>>();
        var used = new List<string>();
        var unresolved = new List<string>();
        var notes = new List<string>();
        void Take(SubstitutionResult r, string field, string prefix = "")
        {
            used.AddRange(r.Used.Except(used));
            unresolved.AddRange(r.Unresolved.Except(unresolved));
            notes.AddRange(r.Notes.Except(notes));
            foreach (var problem in r.Problems)
                Problem(problems, field, prefix + problem);
        }

        var builtUrl = TemplateSubstitution.Substitute(url, TemplateContext.Url, variables);
        Take(builtUrl, "url");
        var builtHeaders = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in headers)
        {
            var header = TemplateSubstitution.Substitute(value, TemplateContext.HeaderValue, variables);
            Take(header, "headers", $"Header '{key}': ");
            builtHeaders.Add(new(key, header.Text));
        }
        if (!builtHeaders.Any(h => h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase)))
            builtHeaders.Add(new("User-Agent", UserAgent));

        string? builtBody = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            var context = BodyContext(headers);
            var result = TemplateSubstitution.Substitute(body, context, variables);
            Take(result, "body");
            builtBody = result.Text;
            if (context == TemplateContext.JsonBody && JsonSyntax.Problem(builtBody) is { } syntax)
            {
                var hint = result.Unresolved.Count > 0
                    ? $" ({string.Join(", ", result.Unresolved.Select(n => "$" + n))} matched no variable and stayed as written.)"
                    : "";
                Problem(problems, "body", $"The body is not valid JSON after substitution, at {syntax}{hint}");
            }
            if (!builtHeaders.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
                builtHeaders.Add(new("Content-Type", "application/json"));
        }
        return new PreparedRequest(method, builtUrl.Text, builtHeaders, builtBody, used, unresolved, notes,
            problems.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    /// <summary>The same request as it may be shown or logged: secret-named variables and Authorization-like header values masked.</summary>
    public static PreparedRequest BuildShown(string method, string url, IReadOnlyList<KeyValuePair<string, string>> headers, string? body, VariableSet variables)
    {
        var shown = Build(method, url, headers, body, variables.Masking(SecretNames.IsSecretVariable));
        return shown with
        {
            Headers = shown.Headers.Select(h => SecretNames.IsSensitiveHeader(h.Key) ? new KeyValuePair<string, string>(h.Key, VariableSet.MaskText) : h).ToList(),
        };
    }

    private static void Problem(Dictionary<string, List<string>> problems, string field, string message)
    {
        if (!problems.TryGetValue(field, out var list))
            problems[field] = list = [];
        if (!list.Contains(message))
            list.Add(message);
    }
}
