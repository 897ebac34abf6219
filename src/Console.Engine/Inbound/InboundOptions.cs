namespace WebhookConsole.Engine.Inbound;

/// <summary>Settings of the inbound side (<c>Inbound:*</c>).</summary>
public sealed class InboundOptions
{
    /// <summary>The largest body an inbound URL accepts, in bytes (<c>Inbound:MaxBodyBytes</c>); larger gets 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How much of a refused oversized body is kept in the log.</summary>
    public const int LoggedPrefixBytes = 64 * 1024;

    /// <summary>The most a body may be configured to (Kestrel refuses larger requests before the console sees them).</summary>
    public const long Ceiling = 25 * 1024 * 1024;
}
