using WebhookConsole.Engine.Actions;

namespace WebhookConsole.Tests.Unit.Actions;

public sealed class JsonSyntaxTests
{
    [Fact]
    public void Problem_IsNull_ForValidJson() => Assert.Null(JsonSyntax.Problem("""{"a": [1, "b", null]}"""));

    [Fact]
    public void Problem_GivesLineAndColumnInCharacters_NotBytes()
    {
        var problem = JsonSyntax.Problem("{\n  \"name\": \"Zoë 😀\" oops\n}");

        Assert.StartsWith("line 2, column 19:", problem);
        Assert.EndsWith("Near: \"name\": \"Zoë 😀\" oops", problem);
    }

    [Fact]
    public void Problem_SaysWhatIsMissing()
    {
        var problem = JsonSyntax.Problem("{\"a\": 1,}");

        Assert.StartsWith("line 1, column 9:", problem);
        Assert.DoesNotContain("BytePositionInLine", problem);
    }
}
