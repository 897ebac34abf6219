using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Components.Pages.Inbound;

/// <summary>How the pages name and explain the verification modes.</summary>
public static class VerificationLabels
{
    public sealed record Choice(InboundVerification Mode, string Label, string Explanation);

    public static readonly IReadOnlyList<Choice> Choices =
    [
        new(InboundVerification.None, "None (the secret URL only)", "Anyone who has the URL can post to it. Keep it private; regenerate it if it leaks."),
        new(InboundVerification.HeaderToken, "Header token", "The sender puts a shared token in a header; the console compares it in constant time."),
        new(InboundVerification.HmacSha256, "HMAC-SHA256 signature", "The sender puts the hex HMAC-SHA256 of the raw body, keyed with the secret, in a header (seed 002's scheme)."),
        new(InboundVerification.StandardWebhooks, "Standard Webhooks", "webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature, as the standardwebhooks libraries sign."),
    ];

    public static string Short(InboundVerification mode) => mode switch
    {
        InboundVerification.HeaderToken => "Header token",
        InboundVerification.HmacSha256 => "HMAC-SHA256",
        InboundVerification.StandardWebhooks => "Standard Webhooks",
        _ => "Secret URL only",
    };
}
