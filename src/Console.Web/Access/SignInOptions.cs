namespace WebhookConsole.Web.Access;

/// <summary>How sign-in resists guessing and when sessions end, bound from <c>SignIn</c>.</summary>
public sealed class SignInOptions
{
    /// <summary>Wrong passwords for one email within <see cref="FailureWindow"/> before its next tries wait.</summary>
    public int FailuresBeforeDelay { get; set; } = 5;

    /// <summary>How long wrong passwords are remembered.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest a try waits (the wait doubles from one second with every wrong password past the limit).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sign-in form posts one address may make per minute; more get 429 with Retry-After.</summary>
    public int RateLimitPerMinute { get; set; } = 20;

    /// <summary>A session with no request for this long is signed out.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often an open page checks that its person may still be signed in (password changed, reset, removed).</summary>
    public TimeSpan RevalidateEvery { get; set; } = TimeSpan.FromSeconds(10);
}
