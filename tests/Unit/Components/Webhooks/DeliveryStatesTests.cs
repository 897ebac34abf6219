using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

public sealed class DeliveryStatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "due now")]
    [InlineData(-30, "due now")]
    [InlineData(1, "in 1 s")]
    [InlineData(42, "in 42 s")]
    [InlineData(59.2, "in 60 s")]
    [InlineData(60, "in 1 min")]
    [InlineData(240, "in 4 min")]
    [InlineData(270, "in 5 min")]
    [InlineData(3599, "in 60 min")]
    [InlineData(3600, "in 1 h")]
    [InlineData(7500, "in 2 h 5 min")]
    [InlineData(36000, "in 10 h")]
    [InlineData(86400, "in 1 d")]
    [InlineData(273600, "in 3 d 4 h")]
    public void Until_SaysHowLongInTheLargestUsefulUnits(double seconds, string expected) =>
        Assert.Equal(expected, DeliveryStates.Until(Now.AddSeconds(seconds), Now));

    [Fact]
    public void Clock_ShowsTheDate_OnlyWhenItIsNotToday()
    {
        var soon = Now.AddMinutes(5);
        var tomorrow = Now.AddDays(1);

        Assert.Equal(soon.ToLocalTime().ToString("HH:mm:ss"), DeliveryStates.Clock(soon, Now));
        Assert.Equal(tomorrow.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"), DeliveryStates.Clock(tomorrow, Now));
    }
}
