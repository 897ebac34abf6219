using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebhookConsole.Web.Components.Shared;

namespace WebhookConsole.Tests.Unit.Components;

/// <summary>Times in the logs read relative, with the exact UTC time on hover, and stay current without a reload.</summary>
public sealed class RelativeTimeTests : BunitContext
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    public RelativeTimeTests() => Services.AddSingleton<TimeProvider>(_time);

    [Fact]
    public void ARowOfALiveLog_KeepsItsAgeCurrent_AsTheClockMoves()
    {
        var at = _time.GetUtcNow() - TimeSpan.FromSeconds(2);
        var time = Render<RelativeTime>(p => p.Add(t => t.At, at));
        var span = time.Find("span.relative-time");
        Assert.Equal("just now", span.TextContent);
        Assert.Equal("2026-12-02 08:59:58Z", span.GetAttribute("title"));

        _time.Advance(TimeSpan.FromSeconds(10));
        time.WaitForAssertion(() => Assert.Equal("12 s ago", time.Find("span").TextContent));
        _time.Advance(TimeSpan.FromSeconds(50));
        time.WaitForAssertion(() => Assert.Equal("1 min ago", time.Find("span").TextContent));
        _time.Advance(TimeSpan.FromHours(3));
        time.WaitForAssertion(() => Assert.Equal("3 h ago", time.Find("span").TextContent));
    }

    [Fact]
    public void GivenTheTimeAPageReadItsFiguresAt_ItMeasuresFromThat()
    {
        var now = _time.GetUtcNow();
        var time = Render<RelativeTime>(p => p.Add(t => t.At, now - TimeSpan.FromMinutes(3)).Add(t => t.Now, now));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("3 min ago", time.Find("span").TextContent);
    }

    [Fact]
    public void NoTime_ReadsNever()
    {
        var time = Render<RelativeTime>(p => p.Add(t => t.At, null));
        Assert.Equal("never", time.Find("span").TextContent);
    }
}
