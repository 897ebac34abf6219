using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace WebhookConsole.Engine.Sessions;

/// <summary>
/// One action call in a session's log (seed 001, "Debug and Errors"). Secrets never reach it: Authorization-like header
/// values and secret-named variables are masked in the URL, headers, body and variables.
/// </summary>
public sealed class SessionLogEntry
{
    public long Id { get; set; }
    public Guid SessionId { get; set; }
    public Guid? ActionId { get; set; }
    public required string ActionName { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Method { get; set; }
    public required string Url { get; set; }
    /// <summary>The request headers as a JSON object, masked.</summary>
    public string RequestHeaders { get; set; } = "{}";
    public string? RequestBody { get; set; }
    /// <summary>False when nothing was sent (arguments refused, a substitution problem, a refused URL).</summary>
    public bool Sent { get; set; }
    public int? StatusCode { get; set; }
    /// <summary>The first 64 KB of the response body.</summary>
    public string? ResponseBody { get; set; }
    /// <summary>The variables used, as a JSON object of name → value (masked when secret).</summary>
    public string VariablesUsed { get; set; } = "{}";
    /// <summary>The <c>session.client_data</c> the response carried and was merged, as JSON; null when none.</summary>
    public string? ClientDataMerged { get; set; }
    public int DurationMs { get; set; }
    /// <summary>What went wrong, in words; null when the call got a 2xx answer.</summary>
    public string? Error { get; set; }
}

internal sealed class SessionLogEntryConfiguration : IEntityTypeConfiguration<SessionLogEntry>
{
    public void Configure(EntityTypeBuilder<SessionLogEntry> e)
    {
        e.ToTable("SessionLog");
        e.HasKey(x => x.Id);
        e.HasIndex(x => new { x.SessionId, x.Id });
        e.Property(x => x.ActionName).HasMaxLength(200);
        e.Property(x => x.Method).HasMaxLength(8);
    }
}

/// <summary>Told of every session log entry, so a host can show it live. Must return quickly.</summary>
public interface ISessionLogObserver
{
    void EntryAdded(SessionLogAdded entry);
}

/// <summary>An entry was written to a session's log.</summary>
public sealed record SessionLogAdded(
    long EntryId, Guid SessionId, Guid? ActionId, string ActionName, int? StatusCode, int DurationMs, DateTimeOffset At, string? Error);

/// <summary>The observer used when the host registers none.</summary>
public sealed class NullSessionLogObserver : ISessionLogObserver
{
    public void EntryAdded(SessionLogAdded entry) { }
}
