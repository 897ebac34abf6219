using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>Choosing in MudBlazor inputs whose options live in a popover (outside the page's own markup), as picking one does.</summary>
public static class MudInputs
{
    /// <summary>Chooses <paramref name="value"/> in the select labelled <paramref name="ariaLabel"/>.</summary>
    public static Task ChooseAsync<TPage, T>(this IRenderedComponent<TPage> page, string ariaLabel, T value) where TPage : class, IComponent
    {
        IRenderedComponent<IComponent> root = page;
        var select = root.FindComponents<MudSelect<T>>().Single(s => Label(s.Instance.UserAttributes) == ariaLabel);
        return select.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    /// <summary>Chooses <paramref name="value"/> in the radio group labelled <paramref name="ariaLabel"/>.</summary>
    public static Task ChooseRadioAsync<TPage, T>(this IRenderedComponent<TPage> page, string ariaLabel, T value) where TPage : class, IComponent
    {
        IRenderedComponent<IComponent> root = page;
        var group = root.FindComponents<MudRadioGroup<T>>().Single(g => Label(g.Instance.UserAttributes) == ariaLabel);
        return group.InvokeAsync(() => group.Instance.ValueChanged.InvokeAsync(value));
    }

    private static string? Label(IDictionary<string, object?> attributes) =>
        attributes.TryGetValue("aria-label", out var label) ? label?.ToString() : null;
}
