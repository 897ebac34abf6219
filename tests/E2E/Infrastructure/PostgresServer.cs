using Npgsql;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests may create databases on: CONSOLE_TEST_POSTGRES, an Npgsql connection string of a superuser
/// (scripts/test.sh starts one with scripts/postgres.sh). Without it a PostgreSQL test fails, it does not skip.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "CONSOLE_TEST_POSTGRES";

    /// <summary>The server's connection string, or a failure saying how to get one.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, and this test needs a PostgreSQL server: run scripts/test.sh, which starts a PostgreSQL server " +
                $"for the tests, or set {Variable} (e.g. export {Variable}=\"$(scripts/postgres.sh | tail -n 1)\", " +
                "or Host=127.0.0.1;Port=55432;Username=postgres for a superuser that may CREATE DATABASE).");

    /// <summary>Creates a fresh, empty database (<c>wc_test_&lt;guid&gt;</c>) for one test.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        var name = "wc_test_" + Guid.NewGuid().ToString("N");
        await using (var server = new NpgsqlConnection(ConnectionString))
        {
            try { await server.OpenAsync(); }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"The PostgreSQL server of {Variable} does not answer ({e.Message}): start it with scripts/postgres.sh.", e);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresDatabase(name, new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString);
    }
}

/// <summary>One test's database on the <see cref="PostgresServer"/>; dropped on dispose, whoever is still connected to it.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;

    internal PostgresDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        _source = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    /// <summary>The Npgsql connection string of this database (for <c>ConnectionStrings__Console</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The first column of the first row of <paramref name="sql"/> (a count, say).</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _source.CreateCommand(sql);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T));
    }

    /// <summary>The rows of a two-column query (<c>SELECT key, count(*) … GROUP BY key</c>) as key → count.</summary>
    public async Task<Dictionary<string, long>> CountsAsync(string sql)
    {
        await using var command = _source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
            counts[reader.IsDBNull(0) ? "(null)" : reader.GetValue(0).ToString()!] = Convert.ToInt64(reader.GetValue(1));
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        // WITH (FORCE): a console that was killed may leave connections behind until the server notices.
        await using var server = new NpgsqlConnection(PostgresServer.ConnectionString);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
