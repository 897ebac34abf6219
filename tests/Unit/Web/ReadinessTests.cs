using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Web;

public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_TurnsUnhealthy_WhenTheDispatcherIsStopped_WhileLiveStaysHealthy()
    {
        await using var console = await InProcessConsole.StartAsync();
        using var client = console.Client(withKey: false);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);

        await console.Services.GetRequiredService<DeliveryDispatcher>().StopAsync(CancellationToken.None);

        var ready = await client.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("dispatcher").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task Ready_TurnsUnhealthy_WhenTheOldestDueDeliveryIsOlderThanMaxBacklogAge()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var console = await InProcessConsole.StartAsync(s => s.AddSingleton<TimeProvider>(clock), "Health:MaxBacklogAge=00:05:00");
        await console.Services.GetRequiredService<DeliveryDispatcher>().StopAsync(CancellationToken.None); // nothing is sent: the delivery stays due
        using var client = console.Client();
        var webhook = await client.PostAsJsonAsync("api/v1/webhooks", new { name = "nobody", url = "http://127.0.0.1:9/", events = new[] { "ticket.created" } });
        Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { } })).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(4));
        var young = await (await client.GetAsync("health/ready")).Content.ReadFromJsonAsync<JsonElement>(); // 503 overall: the dispatcher is stopped
        clock.Advance(TimeSpan.FromMinutes(2));
        var old = await (await client.GetAsync("health/ready")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Healthy", Check(young, "backlog").GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Check(old, "backlog").GetProperty("status").GetString());
        Assert.Contains("Health:MaxBacklogAge", Check(old, "backlog").GetProperty("description").GetString());
    }

    private static JsonElement Check(JsonElement report, string name) => report.GetProperty("checks").GetProperty(name);
}
