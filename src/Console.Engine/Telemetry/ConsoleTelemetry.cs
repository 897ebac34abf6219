using System.Diagnostics;

namespace WebhookConsole.Engine.Telemetry;

/// <summary>The names the console's own metrics and traces go by, and its one <see cref="ActivitySource"/>.</summary>
public static class ConsoleTelemetry
{
    /// <summary>The name of the console's <c>Meter</c> and <c>ActivitySource</c>.</summary>
    public const string Name = "WebhookConsole";

    /// <summary>Where the console's own spans (publish, attempt, inbound processing) start.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(ConsoleTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The current span's W3C <c>traceparent</c>, to store with work that is done later; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>Starts a span as a child of a stored <c>traceparent</c> (a new trace when there is none or it does not parse).</summary>
    public static Activity? StartFrom(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind, parentContext: default);

    /// <summary>A status code's class as a bounded tag value: <c>2xx</c> … <c>5xx</c>, or <c>none</c> when nothing answered.</summary>
    public static string StatusClass(int? status) => status is >= 100 and < 600 ? $"{status / 100}xx" : "none";
}
