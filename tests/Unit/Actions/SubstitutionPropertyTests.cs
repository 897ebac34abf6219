using System.Text.Json.Nodes;
using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Tests.Unit.Actions;

/// <summary>
/// For thousands of generated values, the body parses back to exactly the value and the URL decodes back to exactly the
/// value with its structure unchanged. The set also holds $other, $session.id and $images[0], so a value that was
/// scanned again after substitution would not come back unchanged.
/// </summary>
public sealed class SubstitutionPropertyTests
{
    private const int Runs = 3000;

    private static VariableSet Set(string v, string w) => VariableSet.From(
    [
        new("v", v), new("w", w), new("other", "OTHER!"), new("session.id", "SESSION!"), new("session", "S!"),
        new("images[0]", "IMG0!"), new("images", new JsonArray("IMG0!")), new("unknown", "U!"),
    ]);

    [Fact]
    public void JsonBody_ParsesBackToTheExactValues_InStringsAndAsBareValues()
    {
        const string template = """{"a": "$v", "nested": {"b": "before $v after", "c": ["$w", $w, $v]}, "d": "$v$w"}""";
        var generate = new ValueGenerator(20261122);
        for (var run = 0; run < Runs; run++)
        {
            var (v, w) = (generate.NextString(), generate.NextString());

            var result = TemplateSubstitution.Substitute(template, TemplateContext.JsonBody, Set(v, w));

            Assert.True(JsonSyntax.Problem(result.Text) is null, $"run {run}: {JsonSyntax.Problem(result.Text)}\n{result.Text}");
            var body = JsonNode.Parse(result.Text)!;
            Assert.Equal(v, (string)body["a"]!);
            Assert.Equal($"before {v} after", (string)body["nested"]!["b"]!);
            Assert.Equal(w, (string)body["nested"]!["c"]![0]!);
            Assert.Equal(w, (string)body["nested"]!["c"]![1]!);
            Assert.Equal(v, (string)body["nested"]!["c"]![2]!);
            Assert.Equal(v + w, (string)body["d"]!);
            Assert.Empty(result.Unresolved);
        }
    }

    [Fact]
    public void JsonBody_InsertsAnyJsonValue_AsThatValue()
    {
        var generate = new ValueGenerator(7);
        for (var run = 0; run < Runs; run++)
        {
            var value = generate.NextJson();
            var variables = VariableSet.From([new("value", value), new("other", "OTHER!")]);

            var result = TemplateSubstitution.Substitute("""{"bare": $value, "list": [$value, 1]}""", TemplateContext.JsonBody, variables);

            var body = JsonNode.Parse(result.Text)!;
            Assert.True(JsonNode.DeepEquals(value, body["bare"]), $"run {run}: {value?.ToJsonString()} came back as {body["bare"]?.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(value, body["list"]![0]));
            Assert.Equal(2, body["list"]!.AsArray().Count);
        }
    }

    [Fact]
    public void Url_PathSegmentsAndQueryValues_DecodeBackExactly_AndTheStructureNeverChanges()
    {
        const string template = "https://api.example.com/orders/$v/items/$w?q=$v&x=1&r=$w-$v#frag";
        var generate = new ValueGenerator(99);
        for (var run = 0; run < Runs; run++)
        {
            var (v, w) = (generate.NextString(), generate.NextString());

            var result = TemplateSubstitution.Substitute(template, TemplateContext.Url, Set(v, w));

            if (v is "." or ".." || w is "." or "..")
            {
                Assert.Contains(result.Problems, p => p.Contains("path segment"));
                continue;
            }
            Assert.True(result.Ok, string.Join(" ", result.Problems));
            var uri = new Uri(result.Text);
            Assert.Equal(result.Text, uri.AbsoluteUri); // nothing for a parser to normalise: the URL is sent as built
            Assert.Equal("api.example.com", uri.Host);
            var segments = uri.AbsolutePath.Split('/');
            Assert.Equal(["", "orders", Enc(v), "items", Enc(w)], segments);
            Assert.Equal(v, Uri.UnescapeDataString(segments[2]));
            Assert.Equal(w, Uri.UnescapeDataString(segments[4]));
            var query = uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToArray();
            Assert.Equal(["q", "x", "r"], query.Select(p => p[0]));
            Assert.All(query, pair => Assert.Equal(2, pair.Length));
            Assert.Equal(v, Uri.UnescapeDataString(query[0][1]));
            Assert.Equal("1", query[1][1]);
            Assert.Equal(w + "-" + v, Uri.UnescapeDataString(query[2][1]));
            Assert.Equal("#frag", uri.Fragment);
        }
    }

    // The expectation, computed without the implementation: RFC 3986 leaves only the unreserved characters (A-Z a-z 0-9 - . _ ~)
    // unescaped, which is exactly what Uri.EscapeDataString does (UTF-8 bytes, upper-case hex); the hand-written table below pins it.
    private static string Enc(string s) => Uri.EscapeDataString(s);

    [Theory]
    [InlineData("abc-XYZ_0.9~", "abc-XYZ_0.9~")]
    [InlineData("a b/c?d#e&f=g+h", "a%20b%2Fc%3Fd%23e%26f%3Dg%2Bh")]
    [InlineData("!*'();:@$,[]", "%21%2A%27%28%29%3B%3A%40%24%2C%5B%5D")]
    [InlineData("%2F", "%252F")]
    [InlineData("ü中😀", "%C3%BC%E4%B8%AD%F0%9F%98%80")]
    [InlineData("\r\n\0", "%0D%0A%00")]
    public void PathSegment_IsPercentEncoded_AsTheKnownAnswerSays(string value, string encoded)
    {
        var result = TemplateSubstitution.Substitute("https://api.example.com/orders/$v", TemplateContext.Url, VariableSet.From([new("v", value)]));

        Assert.Equal("https://api.example.com/orders/" + encoded, result.Text);
        Assert.Equal(encoded, Enc(value)); // the property test's expectation agrees with the table
    }

    [Fact]
    public void FormBody_FieldsDecodeBackExactly_AndNoValueAddsAField()
    {
        var generate = new ValueGenerator(3);
        for (var run = 0; run < Runs; run++)
        {
            var (v, w) = (generate.NextString(), generate.NextString());

            var result = TemplateSubstitution.Substitute("name=$v&note=$w&fixed=1", TemplateContext.FormBody, Set(v, w));

            var fields = result.Text.Split('&').Select(p => p.Split('=')).ToArray();
            Assert.Equal(["name", "note", "fixed"], fields.Select(f => f[0]));
            Assert.Equal(v, Uri.UnescapeDataString(fields[0][1]));
            Assert.Equal(w, Uri.UnescapeDataString(fields[1][1]));
        }
    }

    [Fact]
    public void HeaderValue_IsLiteral_OrRefused_WhenItCouldBreakTheHeaderLine()
    {
        var generate = new ValueGenerator(11);
        for (var run = 0; run < Runs; run++)
        {
            var v = generate.NextString();

            var result = TemplateSubstitution.Substitute("Bearer $v", TemplateContext.HeaderValue, Set(v, ""));

            if (v.Contains('\r') || v.Contains('\n'))
                Assert.Contains(result.Problems, p => p.Contains("line break"));
            else if (v.Any(c => char.IsControl(c) && c != '\t') || v.Any(c => c > '\u007f'))
                Assert.False(result.Ok);
            else
            {
                Assert.True(result.Ok);
                Assert.Equal("Bearer " + v, result.Text);
            }
        }
    }
}
