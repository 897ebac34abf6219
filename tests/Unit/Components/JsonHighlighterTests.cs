using WebhookConsole.Web.Components.Shared;

namespace WebhookConsole.Tests.Unit.Components;

public sealed class JsonHighlighterTests
{
    [Fact]
    public void ToHtml_ClassesEachKindOfToken_AndIndents()
    {
        var html = JsonHighlighter.ToHtml("""{"name":"Ana","age":31,"vip":true,"tags":null}""");

        Assert.Contains("<span class=\"json-key\">&quot;name&quot;</span>", html);
        Assert.Contains("<span class=\"json-string\">&quot;Ana&quot;</span>", html);
        Assert.Contains("<span class=\"json-number\">31</span>", html);
        Assert.Contains("<span class=\"json-boolean\">true</span>", html);
        Assert.Contains("<span class=\"json-null\">null</span>", html);
        Assert.Contains("\n  <span class=\"json-key\">", html);
    }

    [Fact]
    public void ToHtml_EncodesMarkupInsideValues()
    {
        var html = JsonHighlighter.ToHtml("""{"x":"<script>alert(1)</script>"}""");

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void ToHtml_ShowsTextThatIsNotJson_EncodedAndUnchanged()
    {
        Assert.Equal("{&quot;broken&quot;: &lt;", JsonHighlighter.ToHtml("{\"broken\": <"));
    }

    [Fact]
    public void ToHtml_KeepsEscapedQuotesInsideAString()
    {
        var html = JsonHighlighter.ToHtml("""{"say":"a \"quoted\" word"}""");

        Assert.Contains("<span class=\"json-string\">&quot;a \\&quot;quoted\\&quot; word&quot;</span>", html);
    }
}
