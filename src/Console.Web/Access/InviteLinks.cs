namespace WebhookConsole.Web.Access;

/// <summary>Where an invite's one-time link points: the <c>/invite/{token}</c> page of this console.</summary>
public static class InviteLinks
{
    /// <summary>The link for <paramref name="token"/> under <paramref name="baseUri"/> (the console's address, ending in /).</summary>
    public static string For(string baseUri, string token) => $"{baseUri.TrimEnd('/')}/invite/{Uri.EscapeDataString(token)}";
}
