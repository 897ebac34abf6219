using WebhookConsole.Engine.Delivery;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>The 24-hour success chart is counted by the store, hour by hour, per webhook.</summary>
public sealed class DeliveryLogTests
{
    [Fact]
    public async Task SuccessRates_CountTheLast24HoursPerHourAndWebhook_WithoutTestsOrOlderAttempts()
    {
        await using var engine = await TestEngine.StartAsync();
        var now = engine.Time.GetUtcNow();
        Guid crm = Guid.NewGuid(), shop = Guid.NewGuid();
        await using (var db = engine.Db())
        {
            void Add(Guid webhook, TimeSpan ago, bool succeeded, bool isTest = false) => db.DeliveryAttempts.Add(new DeliveryAttempt
            {
                DeliveryId = Guid.NewGuid(), SubscriptionId = webhook, EventType = "ticket.created", Number = 1, At = now - ago,
                Succeeded = succeeded, IsTest = isTest, RequestHeaders = "{}",
            });
            Add(crm, TimeSpan.FromMinutes(10), succeeded: true);             // the newest hour
            Add(crm, TimeSpan.FromMinutes(50), succeeded: false);
            Add(crm, TimeSpan.FromMinutes(20), succeeded: true, isTest: true); // "Send test": not counted
            Add(crm, TimeSpan.FromHours(23.5), succeeded: true);             // the oldest hour
            Add(crm, TimeSpan.FromHours(25), succeeded: true);               // older than a day: not counted
            Add(shop, TimeSpan.FromHours(5.5), succeeded: false);
            await db.SaveChangesAsync();
        }

        var rates = await engine.Get<DeliveryLog>().SuccessRatesAsync(now);

        Assert.Equal(2, rates.Count);
        var crmRates = rates[crm];
        Assert.Equal(24, crmRates.Length);
        Assert.Equal(now - TimeSpan.FromHours(24), crmRates[0].Hour);
        Assert.Equal((1, 1), (crmRates[0].Attempts, crmRates[0].Succeeded));
        Assert.Equal((2, 1), (crmRates[23].Attempts, crmRates[23].Succeeded));
        Assert.Equal(50.0, crmRates[23].Percent);
        Assert.Equal(3, crmRates.Sum(r => r.Attempts));
        Assert.Equal((1, 0), (rates[shop][18].Attempts, rates[shop][18].Succeeded));
        Assert.Null(rates[shop][17].Percent);
    }
}
