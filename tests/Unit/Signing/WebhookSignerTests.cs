using System.Text;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Tests.Unit.Signing;

public sealed class WebhookSignerTests
{
    // The Standard Webhooks specification's known-answer vector.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private static readonly byte[] SpecBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset SpecNow = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

    [Fact]
    public void StandardSignature_MatchesTheSpecificationVector()
    {
        Assert.Equal(SpecSignature, WebhookSigner.StandardSignature(SpecSecret, SpecId, SpecTimestamp, SpecBody));
    }

    [Fact]
    public void HexSignature_MatchesSeed002sPythonSnippet()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"lead.created\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"data\":{\"id\":\"lead_1\"}}");
        // Computed with python3, seed 002's own expression (the secret's UTF-8 bytes, "whsec_" included, are the key):
        //   hmac.new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".encode(),
        //            b'{"event":"lead.created","timestamp":"2024-01-01T00:00:00Z","data":{"id":"lead_1"}}',
        //            hashlib.sha256).hexdigest()
        const string expected = "c9b658329c7a27db4d1db90eb65486838a3b7a833d1d72d5634b1181c89f4227";

        Assert.Equal(expected, WebhookSigner.HexSignature(SpecSecret, body));
        Assert.True(WebhookSigner.VerifyHex(SpecSecret, body, expected));
        Assert.True(WebhookSigner.VerifyHex(SpecSecret, body, expected.ToUpperInvariant()));
    }

    [Fact]
    public void VerifyHex_RefusesATamperedBody_AWrongSecret_AndGarbage()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"ticket.created\"}");
        var header = WebhookSigner.HexSignature(SpecSecret, body);

        Assert.False(WebhookSigner.VerifyHex(SpecSecret, Encoding.UTF8.GetBytes("{\"event\":\"ticket.created \"}"), header));
        Assert.False(WebhookSigner.VerifyHex(WebhookSecret.Generate(), body, header));
        Assert.False(WebhookSigner.VerifyHex(SpecSecret, body, header[..^2]));
        Assert.False(WebhookSigner.VerifyHex(SpecSecret, body, "not hex at all"));
        Assert.False(WebhookSigner.VerifyHex(SpecSecret, body, ""));
    }

    [Fact]
    public void VerifyStandard_AcceptsTheSpecificationVector()
    {
        Assert.True(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecNow, Tolerance));
    }

    [Fact]
    public void TwoActiveSecrets_GiveTwoSpaceSeparatedSignatures_EachOfWhichVerifies()
    {
        var oldSecret = SpecSecret;
        var newSecret = WebhookSecret.Generate();

        var header = WebhookSigner.StandardSignatureHeader([oldSecret, newSecret], SpecId, SpecTimestamp, SpecBody);

        // The whole header, character for character: the spec's known answer, one space, the new secret's signature (in that order).
        Assert.Equal(SpecSignature + " " + WebhookSigner.StandardSignature(newSecret, SpecId, SpecTimestamp, SpecBody), header);
        var parts = header.Split(' ');
        Assert.All(parts, p => Assert.StartsWith("v1,", p));

        var ts = SpecTimestamp.ToString();
        // A receiver holding either secret accepts the whole header...
        Assert.True(WebhookSigner.VerifyStandard(oldSecret, SpecId, ts, header, SpecBody, SpecNow, Tolerance));
        Assert.True(WebhookSigner.VerifyStandard(newSecret, SpecId, ts, header, SpecBody, SpecNow, Tolerance));
        // ...and each signature on its own verifies with its own secret only.
        Assert.True(WebhookSigner.VerifyStandard(oldSecret, SpecId, ts, parts[0], SpecBody, SpecNow, Tolerance));
        Assert.True(WebhookSigner.VerifyStandard(newSecret, SpecId, ts, parts[1], SpecBody, SpecNow, Tolerance));
        Assert.False(WebhookSigner.VerifyStandard(newSecret, SpecId, ts, parts[0], SpecBody, SpecNow, Tolerance));
        Assert.True(WebhookSigner.VerifyStandard([WebhookSecret.Generate(), newSecret], SpecId, ts, parts[1], SpecBody, SpecNow, Tolerance));
    }

    [Fact]
    public void VerifyStandard_RefusesATamperedBody()
    {
        var tampered = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");
        Assert.False(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), SpecSignature, tampered, SpecNow, Tolerance));
    }

    [Fact]
    public void VerifyStandard_RefusesAWrongSecret_AndAWrongId()
    {
        var ts = SpecTimestamp.ToString();
        Assert.False(WebhookSigner.VerifyStandard(WebhookSecret.Generate(), SpecId, ts, SpecSignature, SpecBody, SpecNow, Tolerance));
        Assert.False(WebhookSigner.VerifyStandard(SpecSecret, "msg_other", ts, SpecSignature, SpecBody, SpecNow, Tolerance));
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public void VerifyStandard_RefusesATimestampSixMinutesOff_WithFiveMinutesTolerance(int minutes)
    {
        var now = SpecNow.AddMinutes(minutes);
        Assert.False(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, now, Tolerance));
        // Within the tolerance the same request is accepted.
        var near = SpecNow.AddMinutes(Math.Sign(minutes) * 4);
        Assert.True(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, near, Tolerance));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1,")]
    [InlineData("v1,!!!notbase64")]
    [InlineData("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void VerifyStandard_RefusesMalformedSignatureHeaders(string header)
    {
        Assert.False(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), header, SpecBody, SpecNow, Tolerance));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1614265330")]
    [InlineData("1614265330.5")]
    public void VerifyStandard_RefusesMalformedTimestamps(string timestamp)
    {
        Assert.False(WebhookSigner.VerifyStandard(SpecSecret, SpecId, timestamp, SpecSignature, SpecBody, SpecNow, Tolerance));
    }

    [Fact]
    public void VerifyStandard_FindsTheMatchAmongOtherSignatures()
    {
        var header = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,whatever " + SpecSignature;
        Assert.True(WebhookSigner.VerifyStandard(SpecSecret, SpecId, SpecTimestamp.ToString(), header, SpecBody, SpecNow, Tolerance));
    }

    [Fact]
    public void Generate_GivesPrefixAnd44Base64Chars_DecodingTo32Bytes_AndDiffersEachTime()
    {
        var a = WebhookSecret.Generate();
        var b = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", a);
        Assert.Equal("whsec_".Length + 44, a.Length);
        Assert.Equal(32, Convert.FromBase64String(a["whsec_".Length..]).Length);
        Assert.Equal(32, WebhookSecret.KeyBytes(a).Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void KeyBytes_DecodesWithOrWithoutPrefix_AndRefusesNonBase64()
    {
        Assert.Equal(WebhookSecret.KeyBytes(SpecSecret), WebhookSecret.KeyBytes(SpecSecret["whsec_".Length..]));
        Assert.Equal(24, WebhookSecret.KeyBytes(SpecSecret).Length);

        var e = Assert.Throws<ArgumentException>(() => WebhookSecret.KeyBytes("whsec_not*base64!"));
        Assert.Contains("base64", e.Message);
        Assert.Throws<ArgumentException>(() => WebhookSecret.KeyBytes("whsec_"));
    }

    [Fact]
    public void Mask_HidesAllButTheLastFourCharacters()
    {
        var secret = WebhookSecret.Generate();

        var masked = WebhookSecret.Mask(secret);

        Assert.Equal("whsec_••••••••" + secret[^4..], masked);
        Assert.DoesNotContain(secret["whsec_".Length..^4], masked);
        Assert.Equal("whsec_••••••••LaSw", WebhookSecret.Mask(SpecSecret));
    }
}
