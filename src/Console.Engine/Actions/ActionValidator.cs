using System.Text.RegularExpressions;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Actions;

/// <summary>Checks an action's input field by field, with messages a person can act on.</summary>
public sealed partial class ActionValidator(DestinationPolicy destinations)
{
    /// <summary>The methods seed 001 supports.</summary>
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST", "PUT", "DELETE"];

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Upgrade", "TE", "Trailer", "Keep-Alive", "Proxy-Connection",
    };

    /// <summary>What is wrong with <paramref name="input"/>, by field (name, url, method, headers, body, trigger.name…); empty when nothing.</summary>
    /// <param name="existing">The action being changed (its stored headers may be kept), or a new one.</param>
    public async Task<Dictionary<string, string[]>> ValidateAsync(ActionInput input, AssistantAction existing, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors["name"] = ["Give the action a name of 1 to 200 characters, e.g. \"Check order status\"."];

        var method = input.Method?.Trim().ToUpperInvariant() ?? "";
        if (!Methods.Contains(method))
            errors["method"] = [$"The method is one of {string.Join(", ", Methods)}."];

        if (UrlProblem(input.Url?.Trim() ?? "") is { } urlProblem)
            errors["url"] = [urlProblem];

        var headerErrors = HeaderProblems(input.Headers ?? [], existing).ToArray();
        if (headerErrors.Length > 0)
            errors["headers"] = headerErrors;

        if (!string.IsNullOrWhiteSpace(input.Body))
        {
            if (method == "GET")
                errors["body"] = ["A GET request carries no body: clear the body, or use POST or PUT."];
            else if (BodyProblem(input.Body, input.Headers ?? []) is { } bodyProblem)
                errors["body"] = [bodyProblem];
        }
        if (input.ResponseDirective is { Length: > 4000 })
            errors["responseDirective"] = ["The response directive is up to 4000 characters."];

        var trigger = input.Trigger;
        if (!TriggerName().IsMatch(trigger?.Name?.Trim() ?? ""))
            errors["trigger.name"] = ["The trigger name is the function the assistant's model calls: 1 to 64 letters, digits, '_' or '-', e.g. check_order_status."];
        if ((trigger?.Description?.Trim() ?? "").Length is 0 or > 1000)
            errors["trigger.description"] = ["Describe in up to 1000 characters when the assistant should call this action; the model reads it to decide."];
        if (!string.IsNullOrWhiteSpace(trigger?.Parameters) && (await TriggerSchema.ParseAsync(trigger.Parameters)).Problem is { } schemaProblem)
            errors["trigger.parameters"] = [schemaProblem];

        if (input.TimeoutSeconds is < 1 or > 30)
            errors["timeoutSeconds"] = ["The timeout must be between 1 and 30 seconds."];
        return errors;
    }

    /// <summary>What is wrong with a URL template, checked with every <c>$variable</c> filled in as "x".</summary>
    public string? UrlProblem(string url)
    {
        if (url.Length is 0 or > 2048)
            return "Enter the URL to call (up to 2048 characters), e.g. https://api.store.com/orders/$order_number/status.";
        var filled = TemplateSubstitution.Substitute(url, TemplateContext.Url, VariableSet.AnyName);
        if (filled.Problems.Count > 0)
            return filled.Problems[0];
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return "The URL contains a space or line break; write it as %20, or put the text in a $variable (values are encoded for you).";
        return destinations.CheckUrl(filled.Text);
    }

    /// <summary>What is wrong with a body template, checked with every <c>$variable</c> filled in.</summary>
    public static string? BodyProblem(string body, IEnumerable<ActionHeaderInput> headers)
    {
        var context = ActionRequestBuilder.BodyContext(headers.Where(h => h.Key is not null && h.Value is not null)
            .Select(h => new KeyValuePair<string, string>(h.Key!.Trim(), h.Value!)));
        if (context != TemplateContext.JsonBody)
            return null;
        var filled = TemplateSubstitution.Substitute(body, TemplateContext.JsonBody, VariableSet.AnyName);
        return JsonSyntax.Problem(filled.Text) is { } syntax
            ? $"The body is not valid JSON, even with every $variable filled in: {syntax}. (Write \"$name\" in quotes for text, $name bare for numbers, arrays and objects.)"
            : null;
    }

    private static IEnumerable<string> HeaderProblems(IEnumerable<ActionHeaderInput> headers, AssistantAction existing)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            var key = header.Key?.Trim() ?? "";
            if (key.Length == 0 && string.IsNullOrEmpty(header.Value))
                continue;
            if (!HeaderName().IsMatch(key))
                yield return $"'{key}' cannot be a header name: use letters, digits and dashes, e.g. X-Session-ID.";
            else if (ReservedHeaders.Contains(key))
                yield return $"'{key}' is set by the HTTP client itself and cannot be a custom header.";
            else if (!seen.Add(key))
                yield return $"'{key}' is listed twice; give each header once.";
            else if (header.Value is null && !existing.Headers.Any(h => h.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
                yield return $"Header '{key}' needs a value.";
            else if (header.Value is { } value && value.Any(c => c is '\r' or '\n'))
                yield return $"The value of '{key}' may not contain a line break.";
            else if (header.Value is { } v && v.Any(c => c > '\u007f' || (char.IsControl(c) && c != '\t')))
                yield return $"The value of '{key}' may hold only ASCII characters (HTTP headers cannot carry others).";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TriggerName();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")]
    private static partial Regex HeaderName();
}
