using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// Several real console processes ("nodes") sharing one fresh PostgreSQL database and one Data Protection certificate, each
/// started by <see cref="ConsoleApp"/> with the PostgreSQL settings on top of its usual ones. Disposing kills the nodes, then
/// drops the database.
/// </summary>
public sealed class ConsoleCluster : IAsyncDisposable
{
    private readonly Dictionary<string, ConsoleApp> _nodes = [];

    private ConsoleCluster(TestPostgres database, TestCertificate certificate, TimeSpan lease)
    {
        Database = database;
        Certificate = certificate;
        Lease = lease;
    }

    public TestPostgres Database { get; }

    public TestCertificate Certificate { get; }

    /// <summary>How long a node's claim on a delivery lasts unless it renews it (<c>Store:LeaseDuration</c>).</summary>
    public TimeSpan Lease { get; }

    /// <summary>The nodes started so far, by name.</summary>
    public IReadOnlyDictionary<string, ConsoleApp> Nodes => _nodes;

    public ConsoleApp this[string name] => _nodes[name];

    /// <summary>A fresh database on the CONSOLE_TEST_POSTGRES server and a fresh certificate; no node runs yet.</summary>
    public static async Task<ConsoleCluster> CreateAsync(TimeSpan lease) =>
        new(await TestPostgres.CreateAsync(), TestCertificate.Create(), lease);

    /// <summary>The settings that make a console node <paramref name="name"/> of this cluster.</summary>
    public Dictionary<string, string> SettingsFor(string name) => new()
    {
        ["Store__Provider"] = "PostgreSQL",
        ["ConnectionStrings__Console"] = Database.ConnectionString,
        ["Store__NodeName"] = name,
        ["Store__LeaseDuration"] = Lease.ToString("c"),
        ["DataProtection__CertificatePath"] = Certificate.Path,
        ["DataProtection__CertificatePassword"] = Certificate.Password,
    };

    /// <summary>
    /// Starts the nodes one after the other (the first creates the schema; nodes racing to migrate one database is not what
    /// these tests are about), each with <paramref name="settings"/> on top.
    /// </summary>
    public async Task StartAsync(IEnumerable<string> names, IReadOnlyDictionary<string, string>? settings = null)
    {
        foreach (var name in names)
        {
            var node = new ConsoleApp();
            _nodes[name] = node;
            var all = SettingsFor(name);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
                all[key] = value;
            await node.StartAsync(all);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
            await node.DisposeAsync();
        await Database.DisposeAsync();
        Certificate.Dispose();
    }
}
