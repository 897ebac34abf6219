using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookConsole.Engine;
using Microsoft.AspNetCore.DataProtection;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;
using WebhookConsole.Web.Security;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// The real engine over a real SQLite file in a temporary folder, or a fresh database on the tests' PostgreSQL server
/// (<see cref="TestPostgres"/>), with a manual clock.
/// </summary>
public sealed class TestEngine : IAsyncDisposable
{
    private readonly string _directory;
    private readonly TestPostgres? _postgres;
    private readonly bool _ownsPostgres;

    public string DatabasePath { get; }
    public ManualTimeProvider Time { get; } = new();
    public ServiceProvider Services { get; }

    /// <summary>The PostgreSQL database under this engine, or null on SQLite.</summary>
    public TestPostgres? Postgres => _postgres;

    public StoreProvider Provider => _postgres is null ? StoreProvider.Sqlite : StoreProvider.PostgreSQL;

    private TestEngine(string directory, Action<IServiceCollection>? configure, Action<WebhookEngineOptions>? options, TestPostgres? postgres,
        bool ownsPostgres)
    {
        _directory = directory;
        _postgres = postgres;
        _ownsPostgres = ownsPostgres;
        DatabasePath = Path.Combine(directory, "console.db");
        var services = new ServiceCollection();
        services.AddLogging();
        // Quartz's hosted service is registered (never started here: the tests do the dispatcher's steps by hand).
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        services.AddSingleton<TimeProvider>(Time);
        services.AddWebhookEngine(o =>
        {
            o.ConnectionString = $"Data Source={DatabasePath};Pooling=False";
            if (postgres is not null)
            {
                o.StoreProvider = StoreProvider.PostgreSQL;
                o.ConnectionString = postgres.ConnectionString;
            }
            o.AllowHttp = true;
            o.AllowPrivateNetworks = true; // tests deliver to receivers on 127.0.0.1
            options?.Invoke(o);
        });
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        configure?.Invoke(services);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>Starts an engine on a new database, or on a copy of <paramref name="copyOf"/>.</summary>
    public static async Task<TestEngine> StartAsync(string? copyOf = null, Action<IServiceCollection>? configure = null,
        Action<WebhookEngineOptions>? options = null, StoreProvider provider = StoreProvider.Sqlite, TestPostgres? onDatabase = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wc-unit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (copyOf is not null)
            File.Copy(copyOf, Path.Combine(directory, "console.db"));
        // A second node on the same PostgreSQL database shares it (onDatabase); otherwise each engine has its own.
        // CONSOLE_TEST_STORE=PostgreSQL runs every engine test on PostgreSQL (a check of the EF Core queries on the other provider).
        if (copyOf is null && Environment.GetEnvironmentVariable("CONSOLE_TEST_STORE") is { } store
            && Enum.TryParse<StoreProvider>(store, ignoreCase: true, out var all))
            provider = all;
        var postgres = onDatabase ?? (provider == StoreProvider.PostgreSQL ? await TestPostgres.CreateAsync() : null);
        var engine = new TestEngine(directory, configure, options, postgres, ownsPostgres: onDatabase is null);
        await engine.Get<EngineInitializer>().InitializeAsync();
        return engine;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A new context on the store, for checking what was written.</summary>
    public ConsoleDbContext Db() => Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    /// <summary>How the deliveries' bodies are stored: on SQLite the values' storage class (<c>typeof</c>), on PostgreSQL the column's type.</summary>
    public async Task<string> BodyTypeAsync()
    {
        await using var db = Db();
        return await db.Database.SqlQueryRaw<string>(Provider == StoreProvider.Sqlite
            ? "SELECT DISTINCT typeof(Body) AS Value FROM Deliveries"
            : "SELECT DISTINCT pg_typeof(\"Body\")::text AS \"Value\" FROM \"Deliveries\"").SingleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_postgres is not null && _ownsPostgres)
            await _postgres.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
