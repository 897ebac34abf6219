using System.Text.Json.Nodes;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Tests.Unit.Mapping;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("payload.people_detail.name")]
    [InlineData("payload.meta[0].date")]
    [InlineData("payload.meta[0].moderators[1]")]
    [InlineData("[0].id")]
    [InlineData("headers.content-type")]
    [InlineData("a[\"x.y\"].b")]
    [InlineData("a[\"with space\"][2]")]
    public void ParseThenFormat_GivesThePathBack(string path)
    {
        Assert.True(FieldPath.TryParse(path, out var segments, out var error), error);
        Assert.Equal(path, FieldPath.Format(segments));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a[x]")]
    [InlineData("a[\"open")]
    [InlineData("a]b")]
    public void Parse_RefusesWhatIsNotAPath_SayingWhy(string path)
    {
        Assert.False(FieldPath.TryParse(path, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Select_WalksObjectsAndArrays_AndTellsAMissingField()
    {
        var payload = JsonNode.Parse("""{"payload":{"meta":[{"date":"7/11/2024"},{"message":""}],"odd.key":{"v":1}}}""");

        Assert.True(FieldPath.TryParse("payload.meta[0].date", out var date, out _));
        Assert.True(FieldPath.TrySelect(payload, date, out var value));
        Assert.Equal("7/11/2024", value!.GetValue<string>());
        Assert.True(FieldPath.TryParse("payload[\"odd.key\"].v", out var odd, out _));
        Assert.True(FieldPath.TrySelect(payload, odd, out var one));
        Assert.Equal(1, one!.GetValue<int>());
        Assert.True(FieldPath.TryParse("payload.meta[5].date", out var missing, out _));
        Assert.False(FieldPath.TrySelect(payload, missing, out _));
    }
}
