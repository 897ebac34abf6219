using Bunit;
using WebhookConsole.Engine.Catalog;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

public sealed class EventPickerTests : EngineComponentTest
{

    [Fact]
    public void SelectAll_SelectsEveryTypeOfThatGroup_AndNothingElse()
    {
        IReadOnlySet<string> selected = new HashSet<string>();
        var picker = Render<EventPicker>(p => p
            .Add(x => x.Value, selected)
            .Add(x => x.ValueChanged, v => selected = v));
        var messages = Engine.Get<EventCatalog>().All.Where(t => t.Category == "Messages").Select(t => t.Type).ToHashSet();

        picker.Find("button[aria-label='Select all Messages events']").Click();

        Assert.True(messages.Count > 1);
        Assert.Equal(messages, selected.ToHashSet());
        Assert.Contains($"{messages.Count} selected", picker.Find("[data-testid=events-selected]").TextContent);
        foreach (var type in messages)
            Assert.True(picker.Find($"[data-event-type='{type}'] input[type=checkbox]").HasAttribute("checked"));
        Assert.False(picker.Find("[data-event-type='lead.created'] input[type=checkbox]").HasAttribute("checked"));

        picker.Find("button[aria-label='Clear Messages events']").Click();
        Assert.Empty(selected);
    }

    [Fact]
    public void Search_NarrowsTheListToMatchingTypesAndAliases()
    {
        var picker = Render<EventPicker>();

        picker.Find("input[aria-label='Search event types']").Input("CREATE_LEAD");

        var shown = picker.FindAll("[data-event-type]").Select(e => e.GetAttribute("data-event-type")).ToList();
        Assert.Equal(["lead.created"], shown);
    }
}
