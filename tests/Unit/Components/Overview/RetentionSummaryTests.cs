using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Health;
using WebhookConsole.Engine.Retention;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Overview;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Components.Overview;

/// <summary>The Overview says what is kept and for how long, from the Retention:* settings the sweep uses.</summary>
public sealed class RetentionSummaryTests : EngineComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton(Engine.Get<ConsoleHealth>());
        Services.AddSingleton(new SessionLogFeed(new NullDeliveriesHubContext()));
        Services.Configure<RetentionOptions>(o =>
        {
            o.Attempts = TimeSpan.FromDays(14);
            o.DeliveryBodies = TimeSpan.FromDays(1);
            o.InboundRequests = TimeSpan.FromHours(36);
            o.SessionLogs = TimeSpan.FromDays(90);
            o.Interval = TimeSpan.FromMinutes(15);
        });
    }

    [Fact]
    public void TheOverview_SaysHowLongEachLogIsKept_AsConfigured()
    {
        var page = Render<OverviewPage>();

        var retention = page.WaitForElement("[data-testid=retention]");
        Assert.Contains("every 15 minutes", retention.TextContent);
        Assert.Contains("14 days", page.Find("[data-testid=retention-attempts]").TextContent);
        Assert.Contains("1 day", page.Find("[data-testid=retention-bodies]").TextContent);
        Assert.Contains("36 hours", page.Find("[data-testid=retention-inbound]").TextContent);
        Assert.Contains("90 days", page.Find("[data-testid=retention-sessions]").TextContent);
    }
}
