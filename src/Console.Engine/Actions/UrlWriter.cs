using System.Text;

namespace WebhookConsole.Engine.Actions;

/// <summary>
/// A URL template: the template's own <c>://</c>, <c>/</c>, <c>?</c> and <c>#</c> decide its structure; values are
/// percent-encoded in the path, query and fragment, restricted to host-name characters in the host, and refused
/// before the host (they could send the request anywhere).
/// </summary>
internal sealed class UrlWriter : ContextWriter
{
    private enum Part { Scheme, Authority, Path, Query, Fragment }

    private Part _part = Part.Scheme;
    private readonly StringBuilder _segment = new();
    private readonly List<string> _segmentNames = [];

    public override void Literal(char c)
    {
        base.Literal(c);
        switch (_part)
        {
            case Part.Scheme when c == '/' && Output.Length >= 3 && Output[^2] == '/' && Output[^3] == ':':
                _part = Part.Authority;
                break;
            case Part.Authority:
                _part = c switch { '/' => Part.Path, '?' => Part.Query, '#' => Part.Fragment, _ => Part.Authority };
                break;
            case Part.Path when c is '/' or '?' or '#':
                EndSegment();
                _part = c switch { '?' => Part.Query, '#' => Part.Fragment, _ => Part.Path };
                break;
            case Part.Path:
                _segment.Append(c);
                break;
            case Part.Query when c == '#':
                _part = Part.Fragment;
                break;
        }
    }

    protected override void Write(string name, string text, Variable variable)
    {
        switch (_part)
        {
            case Part.Scheme:
                Problem($"${name} cannot supply the start of the URL: write the scheme and host literally (https://host/…); variables may follow in the host name, path and query.");
                Output.Append(TemplateEncoding.PercentEncode(text));
                break;
            case Part.Authority when !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'):
                Problem($"The value of ${name} cannot go into the host name: only letters, digits, '-' and '.' may be there, so a value never sends the request elsewhere.");
                Output.Append(TemplateEncoding.PercentEncode(text));
                break;
            case Part.Authority:
                Output.Append(text);
                break;
            case Part.Path:
                _segment.Append(text);
                _segmentNames.Add("$" + name);
                Output.Append(TemplateEncoding.PercentEncode(text));
                break;
            default:
                Output.Append(TemplateEncoding.PercentEncode(text));
                break;
        }
    }

    public override void End()
    {
        if (_part == Part.Path)
            EndSegment();
    }

    // "." and ".." are the only values that encoding cannot neutralise: URL parsers (.NET's included) collapse them, even as %2E.
    private void EndSegment()
    {
        var segment = _segment.ToString();
        if (_segmentNames.Count > 0 && segment is "." or "..")
            Problem($"The value of {string.Join(" and ", _segmentNames.Distinct())} makes the path segment \"{segment}\", which would change the URL's path; it is refused.");
        _segment.Clear();
        _segmentNames.Clear();
    }
}
