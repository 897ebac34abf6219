using MudBlazor;

namespace WebhookConsole.Web.Components.Shared;

/// <summary>A result told in a snackbar: a summary, and what to do about it when there is more to say.</summary>
public static class SnackbarExtensions
{
    /// <summary>Shows the summary (and detail) for the given milliseconds, or the snackbar's default when 0.</summary>
    public static void Notify(this ISnackbar snackbar, Severity severity, string summary, string? detail = null, int duration = 0)
    {
        var text = string.IsNullOrEmpty(detail) ? summary : $"{summary}: {detail}";
        snackbar.Add(text, severity, options =>
        {
            if (duration > 0) options.VisibleStateDuration = duration;
        });
    }
}
