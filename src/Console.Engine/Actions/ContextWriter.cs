using System.Text;

namespace WebhookConsole.Engine.Actions;

/// <summary>Writes literal template text and variable values for one context, tracking where in it the text is.</summary>
internal abstract class ContextWriter
{
    protected readonly StringBuilder Output = new();
    private readonly List<string> _problems = [];

    public string Text => Output.ToString();
    public IReadOnlyList<string> Problems => _problems;

    public static ContextWriter For(TemplateContext context) => context switch
    {
        TemplateContext.Url => new UrlWriter(),
        TemplateContext.HeaderValue => new HeaderWriter(),
        TemplateContext.JsonBody => new JsonWriter(),
        TemplateContext.FormBody => new EncodedWriter(),
        _ => new LiteralWriter(),
    };

    /// <summary>A character of the template itself.</summary>
    public virtual void Literal(char c) => Output.Append(c);

    /// <summary>A variable's value, encoded for where it lands.</summary>
    public void Value(string name, Variable variable)
    {
        if (variable.Masked)
            Output.Append(MaskedText());
        else
            Write(name, TemplateEncoding.AsText(variable.Value), variable);
    }

    /// <summary>Called once after the last character.</summary>
    public virtual void End() { }

    protected abstract void Write(string name, string text, Variable variable);

    /// <summary>How a masked value shows (only ever in what is displayed or logged, never sent).</summary>
    protected virtual string MaskedText() => VariableSet.MaskText;

    protected void Problem(string message)
    {
        if (!_problems.Contains(message))
            _problems.Add(message);
    }
}

/// <summary>Any body that is neither JSON nor a form: values go in as they are.</summary>
internal sealed class LiteralWriter : ContextWriter
{
    protected override void Write(string name, string text, Variable variable) => Output.Append(text);
}

/// <summary>A form body: every value percent-encoded, so it cannot add a field or an <c>&amp;</c>.</summary>
internal sealed class EncodedWriter : ContextWriter
{
    protected override void Write(string name, string text, Variable variable) => Output.Append(TemplateEncoding.PercentEncode(text));
}

/// <summary>A header value: literal, refused when it could end the header line or cannot be sent.</summary>
internal sealed class HeaderWriter : ContextWriter
{
    protected override void Write(string name, string text, Variable variable)
    {
        if (text.Contains('\r') || text.Contains('\n'))
            Problem($"The value of ${name} contains a line break, which a header value cannot hold (it would let the value add headers of its own).");
        else if (text.Any(c => char.IsControl(c) && c != '\t'))
            Problem($"The value of ${name} contains a control character, which a header value cannot hold.");
        else if (text.Any(c => c > '\u007f'))
            Problem($"The value of ${name} contains non-ASCII characters, which HTTP headers cannot carry; use it in the body or the URL instead.");
        Output.Append(text);
    }
}

/// <summary>A JSON body: inside a string literal a value is JSON-escaped; outside one it is inserted as a JSON value.</summary>
internal sealed class JsonWriter : ContextWriter
{
    private bool _inString, _escaped;

    public override void Literal(char c)
    {
        if (_inString)
        {
            if (_escaped) _escaped = false;
            else if (c == '\\') _escaped = true;
            else if (c == '"') _inString = false;
        }
        else if (c == '"')
        {
            _inString = true;
        }
        Output.Append(c);
    }

    protected override void Write(string name, string text, Variable variable) =>
        Output.Append(_inString ? TemplateEncoding.JsonEscape(text) : TemplateEncoding.AsJson(variable.Value));

    protected override string MaskedText() => _inString ? VariableSet.MaskText : "\"" + VariableSet.MaskText + "\"";
}
