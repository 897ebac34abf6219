using System.Security.Cryptography;
using System.Text;

namespace WebhookConsole.Engine.Inbound;

/// <summary>The secret part of an inbound URL: 256 random bits, URL-safe; only looked up by its hash.</summary>
public static class InboundToken
{
    /// <summary>A new token: base64url of 32 random bytes (43 characters).</summary>
    public static string Generate() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes. Every request hashes, whatever it sent, so timing says nothing.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The path of an inbound URL, relative to the console's address.</summary>
    public static string PathFor(string token) => "in/" + token;

    /// <summary>A new random value for a header token (same strength as the URL token).</summary>
    public static string GenerateHeaderToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
