using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>Counts the SQL queries the real store runs, by the table they read: how a test sees that a page did not re-query.</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private readonly List<string> _commands = [];

    /// <summary>How many queries so far read <paramref name="table"/> (its quoted name appears in the SQL).</summary>
    public int Reading(string table)
    {
        lock (_commands) return _commands.Count(c => c.Contains($"FROM \"{table}\"", StringComparison.Ordinal));
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    private void Record(DbCommand command)
    {
        lock (_commands) _commands.Add(command.CommandText);
    }
}
