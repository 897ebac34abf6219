namespace WebhookConsole.Engine.Access;

/// <summary>What an API key may do: <c>full</c> everything, <c>publish</c> only publish events, <c>read</c> only GET (and <c>/metrics</c>).</summary>
public static class ApiKeyScopes
{
    public const string Full = "full";
    public const string Publish = "publish";
    public const string Read = "read";

    public static readonly IReadOnlyList<string> All = [Full, Publish, Read];

    /// <summary>Whether <paramref name="scope"/> is one of the three scopes.</summary>
    public static bool IsKnown(string? scope) => scope is Full or Publish or Read;
}
