namespace WebhookConsole.Engine.Inbound;

/// <summary>Wakes the inbound processor when a request was stored.</summary>
public sealed class InboundSignal : WorkSignal;
