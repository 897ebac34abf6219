using System.Text;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Tests.Unit.Inbound;

public sealed class InboundVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"name":"Ana"}""");

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    [Fact]
    public void HeaderToken_AcceptsTheToken_RefusesAnotherOrNone()
    {
        var settings = new VerificationSettings(InboundVerification.HeaderToken, "X-Auth", "s3cret-token-value");

        Assert.Null(InboundVerifier.Check(settings, Headers(("x-auth", "s3cret-token-value")), Body, Now));
        Assert.Contains("does not hold the expected token", InboundVerifier.Check(settings, Headers(("X-Auth", "s3cret-token-valuf")), Body, Now));
        Assert.Contains("X-Auth header is missing", InboundVerifier.Check(settings, Headers(), Body, Now));
    }

    [Fact]
    public void Hmac_AcceptsSeed002Signature_AndTheSha256Prefix_RefusesAChangedBody()
    {
        const string secret = "whsec_c2VlZC0wMDItc2VjcmV0LWZvci10ZXN0cw==";
        var settings = new VerificationSettings(InboundVerification.HmacSha256, null, secret);
        // Computed outside this project, with seed 002's own expression and again with openssl (the secret's bytes, "whsec_" included, are the key):
        //   python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_c2VlZC0wMDItc2VjcmV0LWZvci10ZXN0cw==", b"{\"name\":\"Ana\"}", hashlib.sha256).hexdigest())'
        //   printf '%s' '{"name":"Ana"}' | openssl dgst -sha256 -hmac 'whsec_c2VlZC0wMDItc2VjcmV0LWZvci10ZXN0cw=='
        const string hex = "f8db1c9420c9a2b5b5725f94ae288815469096f822b6cd4730d2315975c8abd8";

        Assert.Null(InboundVerifier.Check(settings, Headers(("X-Webhook-Signature", hex)), Body, Now));
        Assert.Null(InboundVerifier.Check(settings, Headers(("X-Webhook-Signature", "sha256=" + hex.ToUpperInvariant())), Body, Now));
        Assert.Contains("not the hex HMAC-SHA256",
            InboundVerifier.Check(settings, Headers(("X-Webhook-Signature", hex)), Encoding.UTF8.GetBytes("""{"name":"Eve"}"""), Now));
    }

    [Fact]
    public void StandardWebhooks_AcceptsWithinFiveMinutes_RefusesOlderOrWrongSecret()
    {
        var secret = WebhookSecret.Generate();
        var settings = new VerificationSettings(InboundVerification.StandardWebhooks, null, secret);
        Func<string, string?> Signed(DateTimeOffset at, string key) => Headers(
            ("webhook-id", "msg_1"), ("webhook-timestamp", at.ToUnixTimeSeconds().ToString()),
            ("webhook-signature", WebhookSigner.StandardSignature(key, "msg_1", at.ToUnixTimeSeconds(), Body)));

        Assert.Null(InboundVerifier.Check(settings, Signed(Now.AddMinutes(-4.9), secret), Body, Now));
        Assert.Contains("within 5 minutes", InboundVerifier.Check(settings, Signed(Now.AddMinutes(-5.1), secret), Body, Now));
        Assert.Contains("does not match", InboundVerifier.Check(settings, Signed(Now, WebhookSecret.Generate()), Body, Now));
        Assert.Contains("are required", InboundVerifier.Check(settings, Headers(("webhook-id", "msg_1")), Body, Now));
    }
}
