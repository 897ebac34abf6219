using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages.Webhooks;

namespace WebhookConsole.Tests.Unit.Components.Webhooks;

/// <summary>"Replay failed deliveries": queues them again with their webhook-ids and counts them home, live.</summary>
public sealed class ReplayDialogTests : EngineComponentTest
{
    [Fact]
    public async Task Replay_QueuesTheFailedDeliveries_AndFollowsThemUntilDone()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (n, c) => { c.Response.StatusCode = n <= 3 || n == 6 ? 500 : 200; return Task.CompletedTask; }; // down, then only the last fails again
        var webhook = await FailingWebhookAsync(receiver);
        var publisher = Engine.Get<EventPublisher>();
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync("lead.created", new JsonObject { ["n"] = i });
            await Engine.AttemptDueAsync(); // no retries on this webhook: each fails for good
        }
        var dialog = Render<ReplayDialog>(p => p.Add(x => x.SubscriptionId, webhook.Id));

        await dialog.Find("[data-testid=replay-start]").ClickAsync();

        dialog.WaitForAssertion(() => Assert.Equal("0 of 3 delivered · 0 failed again", Text(dialog.Find("[data-testid=replay-counts]"))));
        Assert.StartsWith("3 still on their way", Text(dialog.Find("[data-testid=replay-state]")));
        await using (var db = Engine.Db())
        {
            Assert.Equal(3, await db.Deliveries.CountAsync(d => d.State == DeliveryState.Pending && d.ReplayId != null));
            Assert.Equal(Admin, (await db.AuditEntries.SingleAsync(e => e.Action == "webhook.replayed")).Actor);
        }

        for (var i = 0; i < 3; i++)
            await Engine.AttemptDueAsync(); // the dispatcher's work; each attempt reaches the open dialog through the feed

        dialog.WaitForAssertion(() =>
        {
            Assert.Equal("2 of 3 delivered · 1 failed again", Text(dialog.Find("[data-testid=replay-counts]")));
            Assert.Equal("Done.", Text(dialog.Find("[data-testid=replay-state]")));
        });
        Assert.Equal(3, receiver.Requests.Skip(3).Select(r => r.Headers["webhook-id"]).Intersect(receiver.Requests.Take(3).Select(r => r.Headers["webhook-id"])).Count());
    }

    [Fact]
    public async Task Replay_SaysSo_WhenNothingMatched()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var webhook = await FailingWebhookAsync(receiver);
        var dialog = Render<ReplayDialog>(p => p.Add(x => x.SubscriptionId, webhook.Id));

        await dialog.Find("[data-testid=replay-start]").ClickAsync();

        dialog.WaitForAssertion(() => Assert.Contains("No deliveries matched, so nothing was replayed.", dialog.Find("[data-testid=replay-progress]").TextContent));
    }

    [Fact]
    public async Task Replay_ShowsWhyNot_WhenTheWebhookIsDisabled()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var webhook = await FailingWebhookAsync(receiver);
        await Engine.Get<SubscriptionService>().SetEnabledAsync(webhook.Id, false, Admin);
        var dialog = Render<ReplayDialog>(p => p.Add(x => x.SubscriptionId, webhook.Id));

        await dialog.Find("[data-testid=replay-start]").ClickAsync();

        dialog.WaitForAssertion(() => Assert.EndsWith("The webhook 'CRM leads' is disabled. Enable it first, then replay.", Text(dialog.Find("[data-testid=replay-problem]"))));
        Assert.Empty(dialog.FindAll("[data-testid=replay-progress]"));
    }

    [Fact]
    public async Task Replay_AsksForAState_WhenNoneIsPicked()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var webhook = await FailingWebhookAsync(receiver);
        var dialog = Render<ReplayDialog>(p => p.Add(x => x.SubscriptionId, webhook.Id));
        Assert.Equal(3, dialog.FindAll(".replay-states input[type=checkbox]").Count);

        dialog.FindAll(".replay-states input[type=checkbox]")[0].Change(false); // "failed", ticked by default, unticked
        await dialog.Find("[data-testid=replay-start]").ClickAsync();

        dialog.WaitForAssertion(() => Assert.EndsWith("Pick at least one state to replay.", Text(dialog.Find("[data-testid=replay-problem]"))));
    }

    private async Task<WebhookSubscription> FailingWebhookAsync(TestReceiver receiver) =>
        (await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", receiver.Url, ["lead.created"], RetrySchedule: []), Admin)).Subscription;

    private static string Text(IElement element) => Regex.Replace(element.TextContent, @"\s+", " ").Trim();
}
