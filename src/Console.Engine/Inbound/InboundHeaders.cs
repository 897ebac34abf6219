using System.Text.Json;

namespace WebhookConsole.Engine.Inbound;

/// <summary>The request headers as the log keeps them: secret values masked, everything else as sent.</summary>
public static class InboundHeaders
{
    public const string Masked = "••••••••";

    private static readonly HashSet<string> SecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key",
    };

    private static readonly string[] SecretParts = ["token", "secret", "password", "apikey", "api-key", "api_key"];

    /// <summary>Headers to JSON (<c>{"name": "value"}</c>, repeated names joined with ", "), masking credentials.</summary>
    public static string ToLogJson(IEnumerable<KeyValuePair<string, string>> headers, VerificationSettings settings)
    {
        var logged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            var shown = IsSecret(name, settings) ? Masked : value;
            logged[name] = logged.TryGetValue(name, out var earlier) ? earlier + ", " + shown : shown;
        }
        return JsonSerializer.Serialize(logged);
    }

    /// <summary>The first delivery id the sender gave (<c>webhook-id</c>, <c>Idempotency-Key</c>, <c>X-Request-Id</c>), for deduplication.</summary>
    public static string? DeliveryKey(Func<string, string?> header)
    {
        foreach (var name in (string[])["webhook-id", "Idempotency-Key", "X-Request-Id"])
        {
            var value = header(name)?.Trim();
            if (string.IsNullOrEmpty(value))
                continue;
            return value.Length <= 200 ? value : "sha256:" + InboundToken.Hash(value);
        }
        return null;
    }

    private static bool IsSecret(string name, VerificationSettings settings) =>
        SecretNames.Contains(name) ||
        (settings.Mode == InboundVerification.HeaderToken && name.Equals(settings.HeaderName, StringComparison.OrdinalIgnoreCase)) ||
        SecretParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));
}
