namespace WebhookConsole.Web.Components.Shared;

/// <summary>
/// Whether the signed-in person may change things (an admin) or only look (a viewer), cascaded to every page and dialog
/// by <see cref="Layout.EditAccessProvider"/>. Pages hide their edit controls when <see cref="CanEdit"/> is false; the
/// server-side refusal is <c>AdminActorAsync</c>, which every change handler calls whatever the page showed.
/// </summary>
public sealed record EditAccess(bool CanEdit)
{
    /// <summary>Nobody signed in, or not known yet: nothing may be changed.</summary>
    public static readonly EditAccess None = new(false);

    /// <summary>An admin.</summary>
    public static readonly EditAccess Admin = new(true);
}
