using System.Text.RegularExpressions;

namespace WebhookConsole.Engine.Actions;

/// <summary>Which variables and headers hold secrets: their values are masked wherever the console shows or logs a call.</summary>
public static partial class SecretNames
{
    /// <summary>A variable named like a secret: <c>$erp_token</c>, <c>$helpdesk_api_key</c>, <c>$password</c>…</summary>
    public static bool IsSecretVariable(string name) => Secretish().IsMatch(name);

    /// <summary>A header whose value is a credential: Authorization, Cookie, X-Api-Key, X-Webhook-Secret…</summary>
    public static bool IsSensitiveHeader(string name) => Secretish().IsMatch(name);

    // "auth" (authorization, oauth) but not "author"; "key" as a word of its own (X-Key, api_key, accessKey) but not "$monkey" or "$keyword".
    [GeneratedRegex(@"token|secret|passw|pwd|passphrase|(?<![a-z])key(?![a-z])|apikey|accesskey|privatekey|auth(?!or(?!i))|credential|signature|cookie|bearer",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secretish();
}
