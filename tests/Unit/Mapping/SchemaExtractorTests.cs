using System.Text.Json.Nodes;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Mapping;

public sealed class SchemaExtractorTests
{
    [Fact]
    public void Extract_Seed004Lead_ListsThePathsTheSeedNames_WithTypesAndExamples()
    {
        var fields = SchemaExtractor.Extract(JsonNode.Parse(Seed004.Lead)).ToDictionary(f => f.Path);

        Assert.Equal(("string", "Prakash Mudhaliyar", 2), Describe(fields["payload.people_detail.name"]));
        Assert.Equal(("string", "+910987654321", 2), Describe(fields["payload.people_detail.mobile_number"]));
        Assert.Equal(("string", "prakashm@athenabpo.in", 2), Describe(fields["payload.people_detail.email"]));
        Assert.Equal(("string", "7/11/2024", 3), Describe(fields["payload.meta[0].date"]));
        Assert.Equal(("number", "30", 3), Describe(fields["payload.meta[0].duration"]));
        Assert.Equal(("boolean", "false", 3), Describe(fields["payload.meta[0].registration_enabled"]));
        Assert.Equal(("array", "2 items", 1), Describe(fields["payload.meta"]));
        Assert.Equal(("string", "chetan@saleassist.ai", 4), Describe(fields["payload.meta[0].moderators[0]"]));
        Assert.Equal(("string", "", 3), Describe(fields["payload.meta[1].message"]));
        Assert.Equal(("number", "28.4098", 2), Describe(fields["payload.people_detail.widget_latitude"]));
        Assert.Equal(("object", "0 fields", 1), Describe(fields["payload.raw"]));
        Assert.Equal(("string", "application/json; charset=UTF-8", 1), Describe(fields["headers.content-type"]));
        Assert.True(fields["payload.meta[0].registration_form"].Example.Length <= 80); // long strings are shortened
    }

    [Fact]
    public void Extract_ListsParentsBeforeChildren_InDocumentOrder()
    {
        var fields = SchemaExtractor.Extract(JsonNode.Parse("""{"a":{"b":1,"c":[true,null]},"d":"x"}"""));

        Assert.Equal(["a", "a.b", "a.c", "a.c[0]", "a.c[1]", "d"], fields.Select(f => f.Path));
        Assert.Equal(["object", "number", "array", "boolean", "null", "string"], fields.Select(f => f.Type));
    }

    private static (string, string, int) Describe(SchemaField f) => (f.Type, f.Example, f.Depth);
}
