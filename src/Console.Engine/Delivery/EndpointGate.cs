namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// Per-endpoint limits, so a slow or dead endpoint cannot hold up healthy ones: at most a number of attempts in flight to one
/// subscription, and optionally at most a number per second. What a lane cannot take now stays in the store, not in memory.
/// </summary>
public sealed class EndpointGate(TimeProvider time)
{
    private readonly Dictionary<Guid, Lane> _lanes = [];

    private sealed class Lane
    {
        public int InFlight;
        public int MaxInFlight = int.MaxValue;
        public bool RateLimited;
        public DateTimeOffset NextSlot;
    }

    /// <summary>Takes a place for one attempt to <paramref name="subscriptionId"/>, or says no when it is busy or rate-limited.</summary>
    public bool TryAcquire(Guid subscriptionId, int maxInFlight, int? perSecond)
    {
        lock (_lanes)
        {
            var now = time.GetUtcNow();
            if (!_lanes.TryGetValue(subscriptionId, out var lane))
                _lanes[subscriptionId] = lane = new Lane { NextSlot = now };
            lane.MaxInFlight = maxInFlight;
            lane.RateLimited = perSecond is > 0;
            if (lane.InFlight >= maxInFlight || lane.NextSlot > now)
                return false;
            lane.InFlight++;
            if (perSecond is > 0 and var rate)
                lane.NextSlot = now + TimeSpan.FromSeconds(1.0 / rate); // evenly spaced: never more than `rate` in any second
            return true;
        }
    }

    /// <summary>Gives back the place taken by <see cref="TryAcquire"/>.</summary>
    public void Release(Guid subscriptionId)
    {
        lock (_lanes)
        {
            if (!_lanes.TryGetValue(subscriptionId, out var lane))
                return;
            lane.InFlight--;
            if (lane.InFlight <= 0 && lane.NextSlot <= time.GetUtcNow())
                _lanes.Remove(subscriptionId);
        }
    }

    /// <summary>Subscriptions that can take no attempt now; their due deliveries are skipped by the claim.</summary>
    public List<Guid> Blocked()
    {
        lock (_lanes)
        {
            var now = time.GetUtcNow();
            return _lanes.Where(l => l.Value.InFlight >= l.Value.MaxInFlight || l.Value.NextSlot > now).Select(l => l.Key).ToList();
        }
    }

    /// <summary>
    /// For the claim: subscriptions that can take no attempt now, and how many more the others with attempts in flight can take
    /// (one at a time when rate-limited, the spacing is checked again by <see cref="TryAcquire"/>).
    /// </summary>
    public (List<Guid> Blocked, Dictionary<Guid, int> Room) Capacity()
    {
        lock (_lanes)
        {
            var now = time.GetUtcNow();
            var blocked = new List<Guid>();
            var room = new Dictionary<Guid, int>();
            foreach (var (id, lane) in _lanes)
            {
                if (lane.InFlight >= lane.MaxInFlight || lane.NextSlot > now)
                    blocked.Add(id);
                else
                    room[id] = lane.RateLimited ? 1 : lane.MaxInFlight - lane.InFlight;
            }
            return (blocked, room);
        }
    }

    /// <summary>The earliest time a rate-limited lane opens again, if any is closed.</summary>
    public DateTimeOffset? NextOpening()
    {
        lock (_lanes)
        {
            var now = time.GetUtcNow();
            var waiting = _lanes.Values.Where(l => l.NextSlot > now && l.InFlight < l.MaxInFlight).Select(l => l.NextSlot).ToList();
            return waiting.Count > 0 ? waiting.Min() : null;
        }
    }
}
