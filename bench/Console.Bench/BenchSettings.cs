namespace WebhookConsole.Bench;

/// <summary>How big each measurement is: the full run, or <c>--quick</c> for a CI smoke run of about a minute.</summary>
public sealed record BenchSettings
{
    public bool Quick { get; init; }
    /// <summary>Deliveries per throughput round (each round: the engine and the plain loop).</summary>
    public int Deliveries { get; init; } = 20_000;
    public int Rounds { get; init; } = 3;
    /// <summary>Deliveries sent, unmeasured, before anything is measured (the process's JIT warm-up).</summary>
    public int WarmUp { get; init; } = 4_000;
    /// <summary>Offered rate of the latency run, events per second, and how long it is measured (after a two-second warm-up).</summary>
    public int LatencyRate { get; init; } = 500;
    public int LatencySeconds { get; init; } = 10;
    public int FanoutWebhooks { get; init; } = 1000;
    public int FanoutRepeats { get; init; } = 3;
    /// <summary>How long publishing is measured, seconds (each of single events and batches).</summary>
    public int PublishSeconds { get; init; } = 10;
    /// <summary>Attempts in the store for the delivery log query.</summary>
    public int LogAttempts { get; init; } = 1_000_000;
    /// <summary>
    /// <c>--nodes=N</c> (or <c>--nodes N</c>): instead of the other scenarios, delivery throughput of N console processes on one
    /// PostgreSQL database against one (CONSOLE_TEST_POSTGRES names the server; scripts/postgres.sh starts one).
    /// </summary>
    public int Nodes { get; init; }

    /// <summary>Scenarios to run (throughput, hangfire, latency, fanout, logpage, publish); all when empty.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);

    /// <summary>Reads <c>--quick</c>, <c>--only=throughput,latency</c>, <c>--rounds=N</c>, <c>--deliveries=N</c>, <c>--attempts=N</c>.</summary>
    public static BenchSettings Parse(string[] args)
    {
        var settings = args.Contains("--quick")
            ? new BenchSettings { Quick = true, Deliveries = 4_000, Rounds = 1, WarmUp = 4_000, LatencySeconds = 3, FanoutRepeats = 1, LogAttempts = 200_000, PublishSeconds = 4 }
            : new BenchSettings();
        if (Array.IndexOf(args, "--nodes") is >= 0 and var at && at + 1 < args.Length && int.TryParse(args[at + 1], out var n))
            settings = settings with { Nodes = n };
        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')))
        {
            var (name, value) = (arg[2..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..]);
            settings = name switch
            {
                "only" => settings with { Only = value.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() },
                "rounds" => settings with { Rounds = int.Parse(value) },
                "deliveries" => settings with { Deliveries = int.Parse(value) },
                "warmup" => settings with { WarmUp = int.Parse(value) },
                "attempts" => settings with { LogAttempts = int.Parse(value) },
                "rate" => settings with { LatencyRate = int.Parse(value) },
                "seconds" => settings with { LatencySeconds = int.Parse(value) },
                "nodes" => settings with { Nodes = int.Parse(value) },
                _ => throw new ArgumentException($"Unknown option --{name}. Options: --quick, --only=throughput,hangfire,latency,fanout,logpage,publish, " +
                                                 "--rounds=N, --deliveries=N, --warmup=N, --attempts=N, --rate=N, --seconds=N, --nodes=N."),
            };
        }
        return settings;
    }
}
