using MudBlazor;

namespace WebhookConsole.Web.Components.Layout;

/// <summary>The console's one theme: a light and a dark palette over the same typography.</summary>
public static class ConsoleTheme
{
    /// <summary>The cookie that remembers the browser's choice ("dark" or "light").</summary>
    public const string CookieName = "console-theme";

    /// <summary>The theme given to the MudThemeProvider.</summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00897b",
            AppbarBackground = "#3f51b5",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#4db6ac",
            AppbarBackground = "#1f2130",
            Background = "#15161f",
            Surface = "#1f2130",
            DrawerBackground = "#1b1c27",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px" },
    };
}

/// <summary>The theme the browser chose, cascaded from the page request to the layout.</summary>
public sealed record ThemeChoice(bool DarkMode);
