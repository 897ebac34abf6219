using System.Text.Json.Nodes;
using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Tests.Unit.Actions;

public sealed class TemplateSubstitutionTests
{
    private static VariableSet Vars(params (string Name, JsonNode? Value)[] values) =>
        VariableSet.From(values.Select(v => new KeyValuePair<string, JsonNode?>(v.Name, v.Value)));

    [Fact]
    public void Substitute_NeverScansAValueAgain_SoADollarNameInAValueStaysLiteral()
    {
        var result = TemplateSubstitution.Substitute("$note and $plan", TemplateContext.TextBody,
            Vars(("note", "ask about $plan or $session.id"), ("plan", "enterprise"), ("session.id", "s-1")));

        Assert.Equal("ask about $plan or $session.id and enterprise", result.Text);
        Assert.Empty(result.Unresolved);
    }

    [Fact]
    public void Substitute_LeavesAnUnknownName_AsWritten_AndReportsIt()
    {
        var result = TemplateSubstitution.Substitute("""{"a": "$plan", "b": "$nickname", "c": "$plan_x"}""", TemplateContext.JsonBody,
            Vars(("plan", "pro")));

        Assert.Equal("""{"a": "pro", "b": "$nickname", "c": "pro_x"}""", result.Text);
        Assert.Equal(["nickname"], result.Unresolved);
        Assert.Equal(["$plan_x was read as $plan followed by \"_x\" (no variable is named plan_x)."], result.Notes);
    }

    [Fact]
    public void Substitute_AnImageIndexBeyondTheImages_IsUnresolved_NotTheArrayFollowedByText()
    {
        var result = TemplateSubstitution.Substitute("$images[0] $images[5]", TemplateContext.TextBody,
            Vars(("images", new JsonArray("a", "b")), ("images[0]", "a"), ("images[1]", "b")));

        Assert.Equal("a $images[5]", result.Text);
        Assert.Equal(["images[5]"], result.Unresolved);
    }

    [Fact]
    public void JsonBody_AnEscapedDollar_WritesALiteralDollarSign()
    {
        var result = TemplateSubstitution.Substitute("""{"note": "\u0024plan is $plan"}""", TemplateContext.JsonBody, Vars(("plan", "pro")));

        Assert.Equal("$plan is pro", (string)JsonNode.Parse(result.Text)!["note"]!);
    }

    [Fact]
    public void Substitute_ADollarAmount_IsNotAVariable()
    {
        var result = TemplateSubstitution.Substitute("costs $5.00", TemplateContext.TextBody, VariableSet.Empty);

        Assert.Equal("costs $5.00", result.Text);
        Assert.Empty(result.Unresolved);
    }

    [Theory]
    [InlineData("line\r\nX-Injected: 1")]
    [InlineData("line\nX-Injected: 1")]
    [InlineData("line\rX-Injected: 1")]
    public void Header_RefusesALineBreak(string value)
    {
        var result = TemplateSubstitution.Substitute("Bearer $token", TemplateContext.HeaderValue, Vars(("token", value)));

        Assert.False(result.Ok);
        Assert.Equal("The value of $token contains a line break, which a header value cannot hold (it would let the value add headers of its own).",
            Assert.Single(result.Problems));
    }

    [Fact]
    public void Header_RefusesNonAscii_WithWhereToUseItInstead()
    {
        var result = TemplateSubstitution.Substitute("$name", TemplateContext.HeaderValue, Vars(("name", "Zoë")));

        Assert.Contains("use it in the body or the URL instead", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("$base/orders", "cannot supply the start of the URL")]
    [InlineData("https://$host/orders", "cannot go into the host name")]
    [InlineData("https://api.example.com/orders/$id/items", "path segment \"..\"")]
    public void Url_RefusesValuesThatWouldChangeWhereTheRequestGoes(string template, string expected)
    {
        var result = TemplateSubstitution.Substitute(template, TemplateContext.Url,
            Vars(("base", "https://evil.example"), ("host", "evil.example/x?"), ("id", "..")));

        Assert.Contains(result.Problems, p => p.Contains(expected));
    }

    [Fact]
    public void Url_AllowsAHostLabelFromAVariable()
    {
        var result = TemplateSubstitution.Substitute("https://$tenant.example.com/x?q=$q", TemplateContext.Url,
            Vars(("tenant", "acme-eu"), ("q", "a&b=c")));

        Assert.True(result.Ok);
        Assert.Equal("https://acme-eu.example.com/x?q=a%26b%3Dc", result.Text);
    }

    [Fact]
    public void Url_EncodesTheFragment_AndAnUnresolvedNameStaysAsWritten()
    {
        var result = TemplateSubstitution.Substitute("https://h.example/p/$missing?a=$v#$v", TemplateContext.Url, Vars(("v", "x y#z")));

        Assert.Equal("https://h.example/p/$missing?a=x%20y%23z#x%20y%23z", result.Text);
        Assert.Equal(["missing"], result.Unresolved);
    }

    [Fact]
    public void Build_RefusesABodyThatIsNotJsonAfterSubstitution_AndSaysWhere()
    {
        const string body = "{\n  \"image\": \"$images[0]\",\n  \"all\": $imgs\n}";

        var request = ActionRequestBuilder.Build("POST", "https://v.example.com/analyze", [], body,
            Vars(("images[0]", "https://cdn.example.com/1.png"), ("images", new JsonArray("https://cdn.example.com/1.png"))));

        Assert.False(request.CanSend);
        var problem = Assert.Single(request.Problems["body"]);
        Assert.StartsWith("The body is not valid JSON after substitution, at line 3, column 10: '$' is an invalid start of a value.", problem);
        Assert.Contains("$imgs matched no variable", problem);
    }

    [Fact]
    public void BuildShown_MasksAuthorizationAndSecretNamedVariables_AndKeepsTheBodyJson()
    {
        var variables = Vars(("erp_token", "tok_live_123"), ("order", "A1"), ("password", "hunter2"));
        IReadOnlyList<KeyValuePair<string, string>> headers = [new("Authorization", "Bearer $erp_token"), new("X-Order", "$order")];

        var shown = ActionRequestBuilder.BuildShown("POST", "https://erp.example.com/o/$order?key=$erp_token", headers,
            """{"pw": "$password", "bare": $password, "order": "$order"}""", variables);

        Assert.True(shown.CanSend);
        Assert.Equal("https://erp.example.com/o/A1?key=••••••••", shown.Url);
        Assert.Equal("••••••••", shown.Headers.Single(h => h.Key == "Authorization").Value);
        Assert.Equal("A1", shown.Headers.Single(h => h.Key == "X-Order").Value);
        Assert.Equal("""{"pw": "••••••••", "bare": "••••••••", "order": "A1"}""", shown.Body);
        Assert.DoesNotContain("tok_live_123", shown.Url + string.Concat(shown.Headers) + shown.Body);
    }

    [Theory]
    [InlineData("erp_token", true)]
    [InlineData("helpdesk_api_key", true)]
    [InlineData("vision_api_key", true)]
    [InlineData("password", true)]
    [InlineData("client_secret", true)]
    [InlineData("Authorization", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("X-Key", true)]
    [InlineData("accessKey", true)]
    [InlineData("keyword", false)]
    [InlineData("author_name", false)]
    [InlineData("order_number", false)]
    [InlineData("monkey", false)]
    public void SecretNames_KnowSecretsByTheirName(string name, bool secret) =>
        Assert.Equal(secret, SecretNames.IsSecretVariable(name));
}
