namespace WebhookConsole.Engine.Delivery;

/// <summary>Wakes the delivery dispatcher when deliveries were stored or an attempt finished.</summary>
public sealed class DeliverySignal : WorkSignal;
