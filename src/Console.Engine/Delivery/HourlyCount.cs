using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Delivery;

/// <summary>
/// A webhook's attempts in one clock hour (UTC), kept with every attempt record so the 24-hour chart and the Overview read 24 rows
/// per webhook instead of scanning a day of attempts. "Send test" attempts are not counted.
/// </summary>
public sealed class HourlyCount
{
    public Guid SubscriptionId { get; set; }
    /// <summary>The start of the hour.</summary>
    public DateTimeOffset Hour { get; set; }
    public int Attempts { get; set; }
    public int Succeeded { get; set; }
    /// <summary>Failed attempts that ended their delivery as failed (the others were retried).</summary>
    public int Failed { get; set; }

    /// <summary>Failed attempts that were tried again.</summary>
    public int Retried => Attempts - Succeeded - Failed;

    /// <summary>The start of the clock hour <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
}

/// <summary>
/// How many attempts (of all webhooks, tests not counted) took up to <see cref="UpperMs"/> in one clock hour: a histogram the
/// Overview reads its p50 and p95 from, kept with every attempt record like <see cref="HourlyCount"/>.
/// </summary>
public sealed class HourlyDuration
{
    /// <summary>Each bucket's upper bound in ms, about 1.5× apart; an attempt over the last counts in the last.</summary>
    public static readonly int[] Buckets =
        [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 7000, 10000, 15000, 20000, 30000, 60000];

    public DateTimeOffset Hour { get; set; }
    public int UpperMs { get; set; }
    public int Count { get; set; }

    /// <summary>The bucket (its upper bound) a duration counts in.</summary>
    public static int BucketOf(int durationMs)
    {
        var i = Array.BinarySearch(Buckets, durationMs);
        return Buckets[Math.Min(i >= 0 ? i : ~i, Buckets.Length - 1)];
    }

    /// <summary>
    /// The duration within which a share <paramref name="p"/> of the counted attempts ended: the upper bound of the bucket the rank
    /// falls in, so at most one bucket (×1.5) above the exact figure and never below it. Null when nothing was counted.
    /// </summary>
    public static int? Percentile(IEnumerable<(int UpperMs, int Count)> histogram, double p)
    {
        var buckets = histogram.GroupBy(b => b.UpperMs).Select(g => (UpperMs: g.Key, Count: g.Sum(b => b.Count))).OrderBy(b => b.UpperMs).ToList();
        var total = buckets.Sum(b => b.Count);
        if (total == 0)
            return null;
        var rank = (int)Math.Ceiling(p * total);
        var seen = 0;
        foreach (var (upper, count) in buckets)
            if ((seen += count) >= rank)
                return upper;
        return buckets[^1].UpperMs;
    }
}

internal sealed class HourlyCountConfiguration : IEntityTypeConfiguration<HourlyCount>
{
    public void Configure(EntityTypeBuilder<HourlyCount> e)
    {
        e.ToTable("HourlyCounts");
        e.HasKey(x => new { x.SubscriptionId, x.Hour });
        e.HasIndex(x => x.Hour); // the chart asks for every webhook's last 24 hours
        e.Ignore(x => x.Retried);
    }
}

internal sealed class HourlyDurationConfiguration : IEntityTypeConfiguration<HourlyDuration>
{
    public void Configure(EntityTypeBuilder<HourlyDuration> e)
    {
        e.ToTable("HourlyDurations");
        e.HasKey(x => new { x.Hour, x.UpperMs });
    }
}
