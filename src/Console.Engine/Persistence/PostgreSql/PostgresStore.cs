using Microsoft.Extensions.Options;
using Npgsql;

namespace WebhookConsole.Engine.Persistence.PostgreSql;

/// <summary>
/// The connections to a PostgreSQL store, pooled: <see cref="Durable"/> for what must be on disk before it is answered (EF Core
/// and publishing use it) and <see cref="Relaxed"/> for claims and attempt records, which commit without waiting for the WAL flush
/// (<c>synchronous_commit=off</c>): as on SQLite, losing the last of them to a power cut only means a delivery is sent again.
/// </summary>
public sealed class PostgresStore : IAsyncDisposable
{
    public PostgresStore(IOptions<WebhookEngineOptions> options)
    {
        var settings = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        settings.ApplicationName ??= "webhook-console " + options.Value.NodeName;
        ConnectionString = settings.ConnectionString;
        Durable = NpgsqlDataSource.Create(settings);
        var relaxed = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        relaxed.Options = (relaxed.Options is { Length: > 0 } given ? given + " " : "") + "-c synchronous_commit=off";
        Relaxed = NpgsqlDataSource.Create(relaxed);
    }

    /// <summary>The connection string, with this node's application name.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource Durable { get; }

    public NpgsqlDataSource Relaxed { get; }

    public async ValueTask DisposeAsync()
    {
        await Durable.DisposeAsync();
        await Relaxed.DisposeAsync();
    }
}
