using Npgsql;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// A fresh database (<c>wc_test_&lt;guid&gt;</c>) on the tests' PostgreSQL server, CONSOLE_TEST_POSTGRES: a connection string of a
/// user that may create databases (scripts/test.sh starts a server and sets it). Dropped on dispose, whoever is still connected
/// (a killed console may leave connections behind until the server notices). Without a server a test fails; it does not skip.
/// Used by the unit tests and, linked, by the E2E tests.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "CONSOLE_TEST_POSTGRES";

    private readonly NpgsqlDataSource _source;

    private TestPostgres(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
        _source = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    /// <summary>The new database's Npgsql connection string (for <c>ConnectionStrings:Console</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string, or a failure that says how to get one.</summary>
    public static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException(
            $"This test needs a PostgreSQL server: run scripts/test.sh, which starts one for the tests, or set {Variable} " +
            "to the connection string of a user that may create databases (e.g. \"Host=127.0.0.1;Port=55432;Username=postgres\", " +
            "which scripts/postgres.sh starts and prints).");

    public static async Task<TestPostgres> CreateAsync()
    {
        var name = "wc_test_" + Guid.NewGuid().ToString("N");
        await using (var server = new NpgsqlConnection(Server))
        {
            try { await server.OpenAsync(); }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"The PostgreSQL server of {Variable} does not answer ({e.Message}): start it with scripts/postgres.sh.", e);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        return new TestPostgres(name);
    }

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
        NpgsqlConnection.ClearAllPools();
        await using var server = new NpgsqlConnection(Server);
        await server.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", server);
        await drop.ExecuteNonQueryAsync();
    }
}
