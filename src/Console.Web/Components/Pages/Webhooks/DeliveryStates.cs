using WebhookConsole.Engine.Delivery;

namespace WebhookConsole.Web.Components.Pages.Webhooks;

/// <summary>How the delivery log words a delivery's state and its times.</summary>
public static class DeliveryStates
{
    /// <summary>The states in the order the filter offers them.</summary>
    public static readonly IReadOnlyList<DeliveryState> All =
        [DeliveryState.Pending, DeliveryState.Sending, DeliveryState.Succeeded, DeliveryState.Retrying, DeliveryState.Failed, DeliveryState.Cancelled];

    /// <summary>The state as the API and the hub spell it: "retrying".</summary>
    public static string Name(DeliveryState state) => DeliveryWorker.Name(state);

    /// <summary>What the state means, after the dash in "retrying — …" (the next attempt time is shown beside it).</summary>
    public static string Meaning(WebhookDelivery d) => d.State switch
    {
        DeliveryState.Pending => "waiting to be sent",
        DeliveryState.Sending => "an attempt is in progress",
        DeliveryState.Succeeded => "delivered",
        DeliveryState.Retrying => "next attempt at",
        DeliveryState.Failed when d.IsTest => "a test is tried once, never retried",
        DeliveryState.Failed => "no more retries; Resend sends it again",
        DeliveryState.Cancelled => "not sent: its webhook was disabled or deleted",
        _ => "",
    };

    /// <summary>A time as the log shows it: the server's local clock, the date only when it is not today.</summary>
    public static string Clock(DateTimeOffset at, DateTimeOffset now)
    {
        var local = at.ToLocalTime();
        return local.Date == now.ToLocalTime().Date ? local.ToString("HH:mm:ss") : local.ToString("yyyy-MM-dd HH:mm:ss");
    }

    /// <summary>How long until <paramref name="at"/>: "in 42 s", "in 4 min", "in 2 h 5 min", "in 3 d 4 h", or "due now".</summary>
    public static string Until(DateTimeOffset at, DateTimeOffset now)
    {
        var left = at - now;
        if (left < TimeSpan.FromSeconds(1))
            return "due now";
        if (left < TimeSpan.FromMinutes(1))
            return $"in {(int)Math.Ceiling(left.TotalSeconds)} s";
        if (left < TimeSpan.FromHours(1))
            return $"in {Math.Max(1, (int)Math.Round(left.TotalMinutes, MidpointRounding.AwayFromZero))} min";
        if (left < TimeSpan.FromDays(1))
            return left.Minutes == 0 ? $"in {(int)left.TotalHours} h" : $"in {(int)left.TotalHours} h {left.Minutes} min";
        return left.Hours == 0 ? $"in {(int)left.TotalDays} d" : $"in {(int)left.TotalDays} d {left.Hours} h";
    }
}
