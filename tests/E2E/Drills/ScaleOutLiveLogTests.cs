using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Drills;

/// <summary>
/// The live log across nodes (#14): an attempt made by node B reaches, without a reload, the delivery log open in a browser signed
/// in on node A, and the hub clients of both nodes (each node NOTIFYs the others of its attempts, and their feeds pass them on).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScaleOutLiveLogTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AnAttemptMadeByNodeB_AppearsLive_InABrowserOnNodeA_AndOnTheHubOfEveryNode()
    {
        await using var cluster = await ConsoleCluster.CreateAsync(TimeSpan.FromSeconds(5));
        await cluster.StartAsync(["node-a", "node-b"]);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (_, c) => { c.Response.StatusCode = 200; return Task.CompletedTask; };
        using var onA = cluster["node-a"].Client();
        using var onB = cluster["node-b"].Client();
        var created = await onA.PostAsJsonAsync("api/v1/webhooks", new { name = "live across nodes", url = receiver.Url, events = new[] { "lead.created" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var headers = new Dictionary<string, string> { ["X-Api-Key"] = ConsoleApp.BootstrapKey };
        await using var hubOfA = await HubListener.ConnectAsync(new Uri(cluster["node-a"].BaseAddress, "hubs/deliveries"), headers);
        await using var hubOfB = await HubListener.ConnectAsync(new Uri(cluster["node-b"].BaseAddress, "hubs/deliveries"), headers);
        var page = await fixture.NewPageAsync(app: cluster["node-a"]);
        await page.GotoAsync($"settings/webhooks/{webhook}/log");
        await page.SignInAsync(); // and back to the log
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("live-indicator")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("node-name")).ToHaveTextAsync("node-a"); // the app bar says which node serves the page
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lead.created" });
        await Expect(rows).ToHaveCountAsync(0);

        // "Send test" through node B: node B makes the attempt, in its own process, whatever node A does.
        var tested = await onB.PostAsJsonAsync($"api/v1/webhooks/{webhook}/test", new { eventType = "lead.created" });
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        await receiver.WaitForRequestsAsync(1, Wait);

        bool OfTheWebhook(JsonElement m) => m.GetProperty("webhookId").GetString() == webhook;
        var onHubOfA = await hubOfA.WaitForAsync("AttemptRecorded", OfTheWebhook, Wait);
        var onHubOfB = await hubOfB.WaitForAsync("AttemptRecorded", OfTheWebhook, Wait);
        Assert.Equal(onHubOfB.GetProperty("attemptId").GetInt64(), onHubOfA.GetProperty("attemptId").GetInt64());
        Assert.Equal("succeeded", onHubOfA.GetProperty("outcome").GetString());
        await Expect(rows).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await page.ScreenshotAsync("scale-out-live-log-on-node-a");
    }
}
