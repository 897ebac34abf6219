using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebhookConsole.Engine.Signing;

/// <summary>Signs and verifies webhook bodies: Standard Webhooks v1 (base64 HMAC over "id.timestamp.body") and seed 002's hex HMAC.</summary>
public static class WebhookSigner
{
    /// <summary>How far a Standard Webhooks timestamp may be from now (the libraries' default).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string V1 = "v1,";

    /// <summary>"v1," + base64(HMAC-SHA256(KeyBytes(secret), "{id}.{timestamp}." + body)), one Standard Webhooks signature.</summary>
    public static string StandardSignature(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
        => V1 + Convert.ToBase64String(StandardMac(WebhookSecret.KeyBytes(secret), messageId, timestamp, body));

    /// <summary>The webhook-signature header value: one "v1,…" signature per active secret, separated by single spaces.</summary>
    public static string StandardSignatureHeader(IEnumerable<string> activeSecrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(activeSecrets);
        var signatures = new List<string>();
        foreach (var secret in activeSecrets)
            signatures.Add(StandardSignature(secret, messageId, timestamp, body));
        if (signatures.Count == 0)
            throw new ArgumentException("At least one active secret is needed to sign.", nameof(activeSecrets));
        return string.Join(' ', signatures);
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the body keyed with the secret's UTF-8 bytes as written ("whsec_" included): seed 002's scheme.</summary>
    public static string HexSignature(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>True if any "v1,…" signature in the header matches the secret and the timestamp is within ±tolerance of now.</summary>
    public static bool VerifyStandard(string secret, string messageId, string timestampHeader, string signatureHeader,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return VerifyStandard([secret], messageId, timestampHeader, signatureHeader, body, now, tolerance);
    }

    /// <summary>True if any "v1,…" signature in the header matches any of the secrets and the timestamp is within ±tolerance of now.</summary>
    public static bool VerifyStandard(IEnumerable<string> secrets, string messageId, string timestampHeader, string signatureHeader,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrWhiteSpace(signatureHeader))
            return false;
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return false;
        long offset;
        try
        {
            offset = Math.Abs(checked(now.ToUnixTimeSeconds() - timestamp));
        }
        catch (OverflowException)
        {
            return false;
        }
        if (offset > (long)tolerance.Duration().TotalSeconds)
            return false;

        var candidates = new List<byte[]>();
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith(V1, StringComparison.Ordinal))
                continue;
            var encoded = part[V1.Length..];
            var decoded = new byte[(encoded.Length * 3 + 3) / 4];
            if (Convert.TryFromBase64String(encoded, decoded, out var written))
                candidates.Add(decoded[..written]);
        }
        if (candidates.Count == 0)
            return false;

        var matched = false;
        foreach (var secret in secrets)
        {
            var expected = StandardMac(WebhookSecret.KeyBytes(secret), messageId, timestamp, body);
            foreach (var candidate in candidates)
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }
        return matched;
    }

    /// <summary>True if the hex header equals the seed-002 hex HMAC of the body (constant-time; hex case ignored).</summary>
    public static bool VerifyHex(string secret, ReadOnlySpan<byte> body, string hexHeader)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrWhiteSpace(hexHeader))
            return false;
        var given = new byte[SHA256.HashSizeInBytes];
        var status = Convert.FromHexString(hexHeader.Trim(), given, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != given.Length)
            return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static byte[] StandardMac(byte[] key, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{messageId}.{timestamp}.")));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
