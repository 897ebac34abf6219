namespace WebhookConsole.Engine.Delivery;

/// <summary>When a failed delivery is tried again: the subscription's schedule, jittered, pushed later by a receiver's Retry-After.</summary>
public static class RetryPolicy
{
    /// <summary>
    /// The time of the next attempt after <paramref name="attemptsInCycle"/> failed attempts, or null when the schedule is used up.
    /// The delay is the schedule's step varied by ±<paramref name="jitter"/> (a fraction; <paramref name="sample"/> in [0, 1) picks where);
    /// a <paramref name="retryAfter"/> is honoured but never makes it sooner than that, and is capped at twice the step.
    /// </summary>
    public static DateTimeOffset? NextAttemptAt(IReadOnlyList<int> schedule, int attemptsInCycle, DateTimeOffset now,
        TimeSpan? retryAfter = null, double jitter = 0, double sample = 0.5)
    {
        var index = attemptsInCycle - 1;
        if (index < 0 || index >= schedule.Count)
            return null;
        var step = TimeSpan.FromSeconds(schedule[index]);
        var delay = step * (1 + jitter * (2 * sample - 1));
        if (retryAfter is { } asked && asked > delay)
            delay = asked < 2 * step ? asked : 2 * step;
        return now + delay;
    }
}
