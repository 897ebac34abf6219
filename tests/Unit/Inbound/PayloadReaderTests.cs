using System.Text;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Inbound;

public sealed class PayloadReaderTests
{
    [Fact]
    public void Read_Seed004AsPrinted_NamesTheLineAndColumnOfTheMissingComma()
    {
        var read = PayloadReader.Read("application/json", Encoding.UTF8.GetBytes(Seed004.AsPrinted));

        Assert.Null(read.Payload);
        Assert.Equal(InboundOutcome.Malformed, read.Refused);
        // Line 143 is `"id": "9d43…"`, right after "widget_location_source": "IP ADDRESS" with no comma.
        Assert.StartsWith("The body is not valid JSON (line 143, column 11):", read.Error);
        Assert.Contains("Expected either ','", read.Error);
    }

    [Fact]
    public void Read_CountsTheColumnInCharacters_NotBytes()
    {
        var read = PayloadReader.Read("application/json", Encoding.UTF8.GetBytes("{\"name\": \"José\" \"x\": 1}"));

        Assert.StartsWith("The body is not valid JSON (line 1, column 17)", read.Error);
    }

    [Fact]
    public void Read_FormFields_BecomeAJsonObject()
    {
        var read = PayloadReader.Read("application/x-www-form-urlencoded; charset=utf-8",
            Encoding.UTF8.GetBytes("name=Ana+L%C3%B3pez&phone=%2B521234567890&tag=a&tag=b"));

        Assert.Equal("""{"name":"Ana López","phone":"+521234567890","tag":["a","b"]}""",
            read.Payload!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=x", InboundOutcome.Unsupported)]
    [InlineData("application/xml", InboundOutcome.Unsupported)]
    [InlineData("image/png", InboundOutcome.Unsupported)]
    [InlineData("application/octet-stream", InboundOutcome.Unsupported)]
    [InlineData("text/html", InboundOutcome.Unsupported)]
    [InlineData("application/json", InboundOutcome.Malformed)]
    public void Read_RefusesWhatItCannotRead(string contentType, InboundOutcome expected)
    {
        var read = PayloadReader.Read(contentType, Encoding.UTF8.GetBytes("  "));

        Assert.Equal(expected, read.Refused);
        Assert.NotNull(read.Error);
    }

    [Fact]
    public void Read_InvalidUtf8_IsMalformed_NamingTheByte()
    {
        var read = PayloadReader.Read("application/json", [.. "{\"name\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8]);

        Assert.Equal(InboundOutcome.Malformed, read.Refused);
        Assert.Equal("The body is not valid UTF-8 (byte 13 cannot start or continue a character): send JSON encoded as UTF-8.", read.Error);
    }

    [Theory]
    [InlineData("application/vnd.api+json")]
    [InlineData(null)]
    public void Read_JsonUnderOtherNames_IsRead(string? contentType)
    {
        Assert.Equal(1, PayloadReader.Read(contentType, "{\"a\":1}"u8.ToArray()).Payload!["a"]!.GetValue<int>());
    }

    [Fact]
    public void Read_JsonSentAsTextPlain_IsRead()
    {
        var read = PayloadReader.Read("text/plain", [.. Encoding.UTF8.GetPreamble(), .. "{\"a\":1}"u8.ToArray()]);

        Assert.Equal(1, read.Payload!["a"]!.GetValue<int>());
    }
}
