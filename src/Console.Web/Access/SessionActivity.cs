using System.Collections.Concurrent;
using System.Security.Claims;

namespace WebhookConsole.Web.Access;

/// <summary>
/// When each sign-in last showed its person at work: a request with its cookie, or, on an open page (a Blazor circuit sends no
/// requests), a key press, click, scroll or mouse move, which the page reports to <c>/account/active</c> at most every
/// <see cref="PingEvery"/>. A sign-in idle for <see cref="SignInOptions.IdleTimeout"/> ends, on its next request and on every
/// open page at the next revalidation. Server pushes to a live page do not count: only the person does.
/// </summary>
/// <remarks>Kept in this process's memory: after a restart every sign-in starts its idle time afresh, never shorter.</remarks>
public sealed class SessionActivity(TimeProvider time)
{
    /// <summary>The claim that tells one sign-in from another of the same person (a new value at every sign-in).</summary>
    public const string SessionClaim = "console_session";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastActive = new();

    /// <summary>How often an open page reports that its person is at work: a quarter of the idle time, at most a minute.</summary>
    public static TimeSpan PingEvery(TimeSpan idleTimeout) =>
        TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 250, 60_000));

    /// <summary>The person of this sign-in is at work now.</summary>
    public void Touch(ClaimsPrincipal user)
    {
        if (Key(user) is not { } key)
            return;
        var now = time.GetUtcNow();
        _lastActive[key] = now;
        if (_lastActive.Count > 10_000) // sign-ins long over; an idle one is signed out anyway
            foreach (var (old, at) in _lastActive)
                if (now - at > TimeSpan.FromDays(2))
                    _lastActive.TryRemove(old, out _);
    }

    /// <summary>How long this sign-in has shown no activity (counted from now if this process has not seen it yet).</summary>
    public TimeSpan IdleFor(ClaimsPrincipal user)
    {
        if (Key(user) is not { } key)
            return TimeSpan.Zero;
        var now = time.GetUtcNow();
        return now - _lastActive.GetOrAdd(key, now);
    }

    // Cookies issued before sessions had their own claim: the person stands for the sign-in.
    private static string? Key(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? user.FindFirstValue(SessionClaim) ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
            : null;
}
