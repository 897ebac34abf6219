using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace WebhookConsole.Web.Components.Shared;

/// <summary>The console's three kinds of dialog: a confirmation, a centred dialog, and a detail panel on the right.</summary>
public static class DialogServiceExtensions
{
    /// <summary>Asks before something that cannot be undone; true only when the person chose <paramref name="yes"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yes) =>
        await dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: "Cancel",
            options: new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true }) == true;

    /// <summary>A centred dialog holding <typeparamref name="T"/>; closes with Escape, the close button or a click outside.</summary>
    public static Task<IDialogReference> OpenAsync<T>(this IDialogService dialogs, string title,
        IReadOnlyDictionary<string, object?> parameters, MaxWidth width = MaxWidth.Medium) where T : IComponent =>
        dialogs.ShowAsync<T>(title, Parameters(parameters),
            new DialogOptions { MaxWidth = width, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true, BackdropClick = true });

    /// <summary>A detail panel on the right (full screen on a phone), over the list it was opened from.</summary>
    public static Task<IDialogReference> OpenPanelAsync<T>(this IDialogService dialogs, string title,
        IReadOnlyDictionary<string, object?> parameters) where T : IComponent =>
        dialogs.ShowAsync<T>(title, Parameters(parameters),
            new DialogOptions
            {
                Position = DialogPosition.CenterRight, MaxWidth = MaxWidth.Medium, FullWidth = true,
                CloseButton = true, CloseOnEscapeKey = true, BackdropClick = true,
            });

    private static DialogParameters Parameters(IReadOnlyDictionary<string, object?> values)
    {
        var parameters = new DialogParameters();
        foreach (var (name, value) in values) parameters.Add(name, value);
        return parameters;
    }
}
