using System.Security.Cryptography;

namespace WebhookConsole.Engine.Signing;

/// <summary>Signing secrets in the Standard Webhooks form: "whsec_" followed by base64 of the key bytes.</summary>
public static class WebhookSecret
{
    /// <summary>The prefix every generated secret starts with.</summary>
    public const string Prefix = "whsec_";

    private const int KeyLength = 32;
    private const string Bullets = "••••••••";

    /// <summary>A new secret: "whsec_" + padded base64 of 32 random bytes (44 characters).</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyLength));

    /// <summary>The HMAC key of a Standard Webhooks secret: the base64 after "whsec_" (or the whole string without it), decoded.</summary>
    public static byte[] KeyBytes(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        if (encoded.Length == 0)
            throw new ArgumentException("The webhook secret is empty: it should be \"whsec_\" followed by base64.", nameof(secret));
        try
        {
            return Convert.FromBase64String(encoded);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(
                "The webhook secret is not valid: after \"whsec_\" it must be standard base64 (A–Z, a–z, 0–9, +, /, with = padding).",
                nameof(secret), e);
        }
    }

    /// <summary>The secret for display: "whsec_••••••••" and its last 4 characters only.</summary>
    public static string Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var body = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        // A secret too short to hide anything shows no characters at all.
        var tail = body.Length > 8 ? body[^4..] : "";
        return Prefix + Bullets + tail;
    }
}
