namespace WebhookConsole.Engine.Inbound;

/// <summary>Told when a request is logged or its processing moves on, so a host can show the log live. Must return quickly.</summary>
public interface IInboundObserver
{
    void RequestChanged(InboundRequestChanged change);
}

/// <summary>A request was logged, or its processing state changed.</summary>
public sealed record InboundRequestChanged(Guid RequestId, Guid InboundId, int Status, string Outcome, string Processing, DateTimeOffset At);

/// <summary>The observer used when the host registers none.</summary>
public sealed class NullInboundObserver : IInboundObserver
{
    public void RequestChanged(InboundRequestChanged change) { }
}
