using Npgsql;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>
/// A fresh database on the tests' PostgreSQL server (CONSOLE_TEST_POSTGRES: a connection string of a user that may create
/// databases; scripts/test.sh starts a server and sets it), dropped again on dispose.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "CONSOLE_TEST_POSTGRES";

    private readonly string _server;

    private TestPostgres(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The new database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string, or a failure that says how to get one (these tests do not skip).</summary>
    public static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } server
        ? server
        : throw new InvalidOperationException(
            $"This test needs a PostgreSQL server: run scripts/test.sh, which starts one for the tests, or set {Variable} " +
            "to the connection string of a user that may create databases (e.g. \"Host=127.0.0.1;Port=55432;Username=postgres\").");

    public static async Task<TestPostgres> CreateAsync()
    {
        var server = Server;
        var name = "wc_test_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new TestPostgres(server, name);
    }

    /// <summary>Runs <paramref name="sql"/> on the database and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
