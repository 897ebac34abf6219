using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Bench.Scenarios;

/// <summary>One measurement: how many console processes, their steady deliveries per second, and where the CPU went meanwhile.</summary>
public sealed record NodesRound(int Nodes, double Rate, double ConsoleCpuUs, double MachineBusy);

/// <summary>
/// Scale-out (<c>--nodes=N</c>): the same backlog (8 webhooks, stored through the engine before any node runs) drained by one
/// console process, then by N, each on a fresh database of the same PostgreSQL server; delivery rate at the receiver (steady
/// part), CPU per delivery of the consoles, and how busy the whole machine was (all cores, PostgreSQL and the receiver included).
/// Every delivery must arrive, and every one must end Succeeded; duplicates are counted (a node may send one that another had
/// claimed only if a lease lapsed, which must not happen here).
/// </summary>
public static class NodesScenario
{
    private const int Webhooks = 8;

    public static async Task<IReadOnlyList<NodesRound>> RunAsync(Receiver receiver, BenchSettings settings)
    {
        var server = Environment.GetEnvironmentVariable("CONSOLE_TEST_POSTGRES") is { Length: > 0 } value ? value
            : throw new InvalidOperationException("--nodes needs a PostgreSQL server: set CONSOLE_TEST_POSTGRES to a connection string of a user " +
                                                  "that may create databases, e.g. export CONSOLE_TEST_POSTGRES=$(scripts/postgres.sh).");
        Console.WriteLine($"nodes: {settings.Deliveries:N0} deliveries to {Webhooks} webhooks, drained by 1 console process and by {settings.Nodes}, " +
                          $"each on a fresh database; PostgreSQL {await ServerSettingsAsync(server)}");
        using var certificate = KeyCertificate();
        var pfx = Path.Combine(Path.GetTempPath(), "wc-bench-keys-" + Guid.NewGuid().ToString("N") + ".pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "bench"));
        try
        {
            var rounds = new List<NodesRound>();
            foreach (var nodes in new[] { 1, settings.Nodes })
            {
                var round = await RoundAsync(receiver, server, certificate, pfx, nodes, settings.Deliveries);
                rounds.Add(round);
                Console.WriteLine($"  {nodes} node(s): {round.Rate:N0} deliveries/s; consoles' CPU {round.ConsoleCpuUs:0} µs per delivery; " +
                                  $"machine busy {round.MachineBusy:P0} of {Environment.ProcessorCount} cores");
            }
            Console.WriteLine($"  {settings.Nodes} nodes against 1: {Stats.F(rounds[1].Rate / rounds[0].Rate, "0.00")}×");
            return rounds;
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static async Task<NodesRound> RoundAsync(Receiver receiver, string server, X509Certificate2 certificate, string pfx, int nodes, int deliveries)
    {
        var name = "wc_bench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var consoles = new List<ConsoleProcess>();
        try
        {
            // The backlog first, with no node running: every node starts on the same work.
            var events = deliveries / Webhooks;
            var total = events * Webhooks;
            await using (var engine = await BenchEngine.CreateAsync(database, certificate))
            {
                await engine.CreateWebhooksAsync(Webhooks, receiver.Url, ThroughputScenario.EventType);
                await engine.PublishAsync(events, ThroughputScenario.EventType, ThroughputScenario.SampleData());
            }
            NpgsqlConnection.ClearAllPools();

            receiver.Reset(total);
            var machine = MachineCpu.Read();
            for (var i = 0; i < nodes; i++)
                consoles.Add(await ConsoleProcess.StartAsync(new Dictionary<string, string>
                {
                    ["Store__Provider"] = "PostgreSQL",
                    ["ConnectionStrings__Console"] = database,
                    ["Store__NodeName"] = $"bench-node-{i + 1}",
                    ["DataProtection__CertificatePath"] = pfx,
                    ["DataProtection__CertificatePassword"] = "bench",
                }));
            await receiver.WaitForAsync(total, TimeSpan.FromMinutes(5));
            var busy = MachineCpu.Read().BusySince(machine);
            var cpuUs = consoles.Sum(c => c.CpuTime.TotalMicroseconds) / total;
            var rate = Stats.SteadyRate(receiver.Times);

            var unique = receiver.Ids.ToArray().Distinct().Count();
            var succeeded = 0L;
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
                if ((succeeded = (long)(await ScalarAsync(database, "SELECT count(*) FROM \"Deliveries\" WHERE \"State\" = 'Succeeded'"))!) == total)
                    break;
            if (unique != total || succeeded != total || receiver.Count != total)
                throw new InvalidOperationException($"The {nodes}-node run is not clean: {receiver.Count} requests, {unique} unique webhook-ids, " +
                                                    $"{succeeded} succeeded, for {total} deliveries.");
            return new NodesRound(nodes, rate, cpuUs, busy);
        }
        finally
        {
            foreach (var console in consoles)
                await console.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    /// <summary>The server settings that decide what a commit costs, so the figures say what they were measured on.</summary>
    private static async Task<string> ServerSettingsAsync(string server) =>
        $"{await ScalarAsync(server, "SHOW server_version")}, fsync={await ScalarAsync(server, "SHOW fsync")}, " +
        $"synchronous_commit={await ScalarAsync(server, "SHOW synchronous_commit")}";

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The certificate every node (and the bench's engine, which stores the webhooks' secrets) protects the keys with.</summary>
    private static X509Certificate2 KeyCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=webhook-console-bench-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx, "bench"), "bench");
    }

    /// <summary>All cores' busy and total jiffies from /proc/stat.</summary>
    private readonly record struct MachineCpu(long Busy, long Total)
    {
        public static MachineCpu Read()
        {
            if (!File.Exists("/proc/stat"))
                return default;
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4]; // idle, iowait
            var total = fields.Take(8).Sum();
            return new MachineCpu(total - idle, total);
        }

        public double BusySince(MachineCpu before) =>
            Total == before.Total ? double.NaN : (double)(Busy - before.Busy) / (Total - before.Total);
    }
}
