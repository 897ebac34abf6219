using System.Security.Cryptography;
using System.Text;
using WebhookConsole.Engine.Signing;

namespace WebhookConsole.Engine.Inbound;

/// <summary>An inbound webhook's verification settings, with the secret in plaintext (only ever in memory).</summary>
public sealed record VerificationSettings(InboundVerification Mode, string? Header, string? Secret)
{
    public const string DefaultTokenHeader = "X-Webhook-Token";
    public const string DefaultSignatureHeader = "X-Webhook-Signature";

    /// <summary>The header that carries the token or signature in this mode.</summary>
    public string HeaderName => Mode switch
    {
        InboundVerification.HeaderToken => string.IsNullOrWhiteSpace(Header) ? DefaultTokenHeader : Header,
        InboundVerification.HmacSha256 => string.IsNullOrWhiteSpace(Header) ? DefaultSignatureHeader : Header,
        InboundVerification.StandardWebhooks => "webhook-signature",
        _ => "",
    };
}

/// <summary>Checks a request against its inbound webhook's verification mode; says why in words when it fails.</summary>
public static class InboundVerifier
{
    /// <summary>Null when the request passes, else the reason (logged; the sender gets a generic 401).</summary>
    public static string? Check(VerificationSettings settings, Func<string, string?> header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        switch (settings.Mode)
        {
            case InboundVerification.None:
                return null;
            case InboundVerification.HeaderToken:
            {
                var given = header(settings.HeaderName);
                if (string.IsNullOrEmpty(given))
                    return $"The {settings.HeaderName} header is missing.";
                return TokensEqual(given, settings.Secret ?? "") ? null : $"The {settings.HeaderName} header does not hold the expected token.";
            }
            case InboundVerification.HmacSha256:
            {
                var given = header(settings.HeaderName);
                if (string.IsNullOrEmpty(given))
                    return $"The {settings.HeaderName} header is missing.";
                // Some senders prefix the algorithm ("sha256=<hex>", GitHub style); the hex is what counts.
                var hex = given.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? given[7..] : given;
                return WebhookSigner.VerifyHex(settings.Secret ?? "", body, hex)
                    ? null
                    : $"The {settings.HeaderName} header is not the hex HMAC-SHA256 of the body with this webhook's secret.";
            }
            case InboundVerification.StandardWebhooks:
            {
                var id = header("webhook-id");
                var timestamp = header("webhook-timestamp");
                var signature = header("webhook-signature");
                if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
                    return "The Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature are required.";
                if (!long.TryParse(timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > WebhookSigner.DefaultTolerance.TotalSeconds)
                    return "The webhook-timestamp is not within 5 minutes of the console's clock (a replayed or delayed request).";
                return WebhookSigner.VerifyStandard(settings.Secret ?? "", id, timestamp, signature, body, now, WebhookSigner.DefaultTolerance)
                    ? null
                    : "The webhook-signature does not match this webhook's secret.";
            }
            default:
                return "Unknown verification mode.";
        }
    }

    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    private static bool TokensEqual(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
