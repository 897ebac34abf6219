using WebhookConsole.Engine.Delivery;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>The 24-hour success chart reads the hourly counters that every attempt record keeps, hour by hour, per webhook.</summary>
public sealed class DeliveryLogTests
{
    [Fact]
    public async Task SuccessRates_CountTheLast24ClockHoursPerWebhook_WithoutTestsOrOlderAttempts()
    {
        await using var engine = await TestEngine.StartAsync();
        var now = new DateTimeOffset(2026, 12, 1, 15, 40, 0, TimeSpan.Zero);
        var store = engine.Get<IDeliveryStore>();
        Guid crm = Guid.NewGuid(), shop = Guid.NewGuid();
        async Task Record(Guid webhook, TimeSpan ago, bool succeeded, bool isTest = false)
        {
            var delivery = new WebhookDelivery
            {
                MessageId = "msg_1", EventId = "evt_1", EventType = "ticket.created", SubscriptionId = webhook, Body = "{}"u8.ToArray(),
                State = succeeded ? DeliveryState.Succeeded : DeliveryState.Retrying, AttemptCount = 1, IsTest = isTest,
            };
            await store.RecordAttemptAsync(new DeliveryAttempt
            {
                DeliveryId = delivery.Id, SubscriptionId = webhook, EventType = "ticket.created", Number = 1, At = now - ago,
                Succeeded = succeeded, IsTest = isTest, RequestHeaders = "{}",
            }, delivery);
        }
        await Record(crm, TimeSpan.FromMinutes(10), succeeded: true);              // 15:30, the newest hour
        await Record(crm, TimeSpan.FromMinutes(35), succeeded: false);             // 15:05, the same hour
        await Record(crm, TimeSpan.FromMinutes(20), succeeded: true, isTest: true); // "Send test": not counted
        await Record(crm, TimeSpan.FromHours(23.5), succeeded: true);              // 16:10 yesterday, the oldest hour
        await Record(crm, TimeSpan.FromHours(24), succeeded: true);                // 15:40 yesterday: older than the 24 hours shown
        await Record(shop, TimeSpan.FromHours(5.5), succeeded: false);             // 10:10

        var rates = await engine.Get<DeliveryLog>().SuccessRatesAsync(now);

        Assert.Equal(2, rates.Count);
        var crmRates = rates[crm];
        Assert.Equal(24, crmRates.Length);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), crmRates[0].Hour);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero), crmRates[23].Hour);
        Assert.Equal((1, 1), (crmRates[0].Attempts, crmRates[0].Succeeded));
        Assert.Equal((2, 1), (crmRates[23].Attempts, crmRates[23].Succeeded));
        Assert.Equal(50.0, crmRates[23].Percent);
        Assert.Equal(3, crmRates.Sum(r => r.Attempts));
        Assert.Equal((1, 0), (rates[shop][18].Attempts, rates[shop][18].Succeeded));
        Assert.Null(rates[shop][17].Percent);
    }
}
