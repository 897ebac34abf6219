using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using Quartz;
using WebhookConsole.Engine.Security;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Web.Extensions;
using WebhookConsole.Web.Security;

namespace WebhookConsole.Bench;

/// <summary>
/// The console's engine in this process, registered as the console registers it: a real SQLite file (WAL) in a fresh temporary
/// folder, Data Protection keys on disk beside it, the real dispatcher, scheduler, sender and signing; or (the nodes scenario) a
/// PostgreSQL database, with the keys in it.
/// </summary>
public sealed class BenchEngine : IAsyncDisposable
{
    private readonly string _directory;
    private bool _scheduling;
    private bool _delivering;

    public ServiceProvider Services { get; }
    public string DatabasePath { get; }

    /// <summary>When each attempt was committed to the store (the observer is told after the save).</summary>
    public AttemptClock Logged { get; } = new();

    private BenchEngine(string directory, string? postgres, X509Certificate2? keyCertificate)
    {
        _directory = directory;
        DatabasePath = Path.Combine(directory, "console.db");
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Query", LogLevel.Error)              // "Take without OrderBy" on the log count, by design
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));    // keys unencrypted at rest, as in the console
        var (provider, connectionString) = postgres is null ? (StoreProvider.Sqlite, $"Data Source={DatabasePath}") : (StoreProvider.PostgreSQL, postgres);
        services.AddWebhookEngine(o =>
        {
            o.ConnectionString = connectionString;
            o.StoreProvider = provider;
            o.NodeName = "bench";
            o.AllowHttp = true;
            o.AllowPrivateNetworks = true; // the receiver is on 127.0.0.1
        });
        // As the console keeps them: on PostgreSQL every console node on the database can read the secrets the bench stored.
        services.AddConsoleDataProtection(provider, connectionString, keyCertificate);
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<IDeliveryObserver>(Logged);
        Services = services.BuildServiceProvider();
    }

    /// <summary>A new engine on an empty store, migrated; nothing is delivered until <see cref="StartDeliveringAsync"/>.</summary>
    public static async Task<BenchEngine> CreateAsync(string? postgres = null, X509Certificate2? keyCertificate = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "wc-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var engine = new BenchEngine(directory, postgres, keyCertificate);
        await engine.Get<EngineInitializer>().InitializeAsync();
        return engine;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public ConsoleDbContext Db() => Get<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    /// <summary>Creates <paramref name="count"/> webhooks for <paramref name="eventType"/>, all pointing at <paramref name="url"/> (paths /s/0, /s/1, …).</summary>
    public async Task<IReadOnlyList<Guid>> CreateWebhooksAsync(int count, string url, string eventType)
    {
        var subscriptions = Get<SubscriptionService>();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
            ids.Add((await subscriptions.CreateAsync(new SubscriptionInput($"bench {i}", $"{url}s/{i}", [eventType]), "bench")).Subscription.Id);
        return ids;
    }

    /// <summary>Publishes <paramref name="events"/> events of <paramref name="eventType"/> from 8 callers through the engine's publisher.</summary>
    public Task PublishAsync(int events, string eventType, System.Text.Json.Nodes.JsonObject data)
    {
        var publisher = Get<Engine.Events.EventPublisher>();
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < events)
                await publisher.PublishAsync(eventType, data.DeepClone());
        })));
    }

    /// <summary>Starts Quartz (once) and the dispatcher, as the host does at start-up.</summary>
    public async Task StartDeliveringAsync()
    {
        if (!_scheduling)
            await (await Get<ISchedulerFactory>().GetScheduler()).Start(); // as Quartz's hosted service does at start-up
        _scheduling = true;
        await Get<DeliveryDispatcher>().StartAsync(CancellationToken.None);
        _delivering = true;
    }

    /// <summary>Stops the dispatcher (nothing is in flight once a backlog is drained), so the next backlog can be stored first.</summary>
    public async Task PauseDeliveringAsync()
    {
        await Get<DeliveryDispatcher>().StopAsync(CancellationToken.None);
        _delivering = false;
    }

    /// <summary>Deliveries not yet succeeded (a finished run must have none).</summary>
    public async Task<int> UnfinishedAsync()
    {
        await using var db = Db();
        return await db.Deliveries.CountAsync(d => d.State != DeliveryState.Succeeded);
    }

    public async ValueTask DisposeAsync()
    {
        if (_delivering)
            await Get<DeliveryDispatcher>().StopAsync(CancellationToken.None);
        if (_scheduling)
            await (await Get<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

/// <summary>Notes the time each attempt was recorded (committed), for throughput "signed, sent and durably logged".</summary>
public sealed class AttemptClock : IDeliveryObserver
{
    private long[] _times = [];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ReadOnlySpan<long> Times => _times.AsSpan(0, Math.Min(Count, _times.Length));

    public void Reset(int capacity)
    {
        _times = new long[capacity];
        Volatile.Write(ref _count, 0);
    }

    public void AttemptRecorded(AttemptRecorded attempt)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _times.Length)
            _times[index] = Stopwatch.GetTimestamp();
    }

    public void DeliveryStateChanged(DeliveryStateChanged change) { }
}
