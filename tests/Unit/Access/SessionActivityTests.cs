using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using WebhookConsole.Web.Access;
using Xunit;

namespace WebhookConsole.Tests.Unit.Access;

public sealed class SessionActivityTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromHours(8);

    private static ClaimsPrincipal SignIn(Guid person, string? session) => new(new ClaimsIdentity(
        new[] { new Claim(ClaimTypes.NameIdentifier, person.ToString()) }
            .Concat(session is null ? [] : [new Claim(SessionActivity.SessionClaim, session)]), "cookie"));

    [Fact]
    public void ASignIn_IsIdleFromItsLastActivity_AndActivityStartsItAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var activity = new SessionActivity(time);
        var user = SignIn(Guid.NewGuid(), "a");

        activity.Touch(user);
        time.Advance(TimeSpan.FromHours(7));
        Assert.Equal(TimeSpan.FromHours(7), activity.IdleFor(user));
        activity.Touch(user);   // a key press on the open page
        time.Advance(TimeSpan.FromHours(7));
        Assert.True(activity.IdleFor(user) < Idle);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Idle, activity.IdleFor(user));
    }

    [Fact]
    public void TwoSignInsOfOnePerson_AreIdleEachOnItsOwn()
    {
        var time = new FakeTimeProvider();
        var activity = new SessionActivity(time);
        var person = Guid.NewGuid();
        var laptop = SignIn(person, "laptop");
        var phone = SignIn(person, "phone");
        activity.Touch(laptop);
        activity.Touch(phone);

        time.Advance(TimeSpan.FromHours(5));
        activity.Touch(phone);
        time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(Idle, activity.IdleFor(laptop));
        Assert.Equal(TimeSpan.FromHours(3), activity.IdleFor(phone));
    }

    [Fact]
    public void ASignInThisProcessHasNotSeen_CountsFromNow_AndNobodySignedInIsNeverIdle()
    {
        var time = new FakeTimeProvider();
        var activity = new SessionActivity(time);
        var cookieFromBeforeARestart = SignIn(Guid.NewGuid(), "old");
        Assert.Equal(TimeSpan.Zero, activity.IdleFor(cookieFromBeforeARestart));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(10), activity.IdleFor(cookieFromBeforeARestart));

        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        activity.Touch(anonymous);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.Zero, activity.IdleFor(anonymous));
    }

    [Theory]
    [InlineData("08:00:00", 60_000)]   // a minute at most
    [InlineData("00:02:00", 30_000)]   // a quarter of the idle time
    [InlineData("00:00:01", 250)]      // never more often than four times a second
    public void AnOpenPageReportsActivity_OftenEnoughNotToBeSignedOutWhileWorking(string idleTimeout, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), SessionActivity.PingEvery(TimeSpan.Parse(idleTimeout)));
}
