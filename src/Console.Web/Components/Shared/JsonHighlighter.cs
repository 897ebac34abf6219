using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Web.Components.Shared;

/// <summary>Turns JSON into indented HTML with a span per token, classed for colouring (<c>json-key</c>, <c>json-string</c>…).</summary>
public static class JsonHighlighter
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable; the result is HTML-encoded below anyway
    };

    /// <summary>Pretty-prints <paramref name="json"/>; text that is not JSON comes back encoded as it is.</summary>
    public static string ToHtml(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return "";
        try
        {
            return Highlight(JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null");
        }
        catch (JsonException)
        {
            return HtmlEncoder.Default.Encode(json);
        }
    }

    /// <summary>Pretty-prints and highlights a node.</summary>
    public static string ToHtml(JsonNode? node) => Highlight(node?.ToJsonString(Indented) ?? "null");

    /// <summary>Indents JSON text for display or copying; text that is not JSON comes back unchanged.</summary>
    public static string Format(string json)
    {
        try { return JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null"; }
        catch (JsonException) { return json; }
    }

    // Input is valid, indented JSON, so a small scanner suffices: strings, numbers, literals, punctuation, white space.
    private static string Highlight(string json)
    {
        var html = new StringBuilder(json.Length * 2);
        for (var i = 0; i < json.Length;)
        {
            var c = json[i];
            if (c == '"')
            {
                var end = i + 1;
                while (json[end] != '"') end += json[end] == '\\' ? 2 : 1;
                var token = json[i..(end + 1)];
                var next = end + 1;
                while (next < json.Length && json[next] == ' ') next++;
                Span(html, next < json.Length && json[next] == ':' ? "json-key" : "json-string", token);
                i = end + 1;
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                var end = i;
                while (end < json.Length && "+-.eE0123456789".Contains(json[end])) end++;
                Span(html, "json-number", json[i..end]);
                i = end;
            }
            else if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (end < json.Length && char.IsAsciiLetter(json[end])) end++;
                var word = json[i..end];
                Span(html, word == "null" ? "json-null" : "json-boolean", word);
                i = end;
            }
            else
            {
                if ("{}[],:".Contains(c)) Span(html, "json-punctuation", c.ToString());
                else html.Append(c);
                i++;
            }
        }
        return html.ToString();
    }

    private static void Span(StringBuilder html, string css, string text) =>
        html.Append("<span class=\"").Append(css).Append("\">").Append(HtmlEncoder.Default.Encode(text)).Append("</span>");
}
