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

/// <summary>The delivery log's detail panel: the delivery's state kept live, the next attempt time, Resend.</summary>
public sealed class AttemptDetailPanelTests : EngineComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Engine.Get<DeliveryWorker>().JitterSample = () => 0.5; // no jitter: retries exactly on the schedule
    }

    [Fact]
    public async Task ShowsRetrying_WithTheNextAttemptTimeAndHowLongUntilIt()
    {
        await using var receiver = await FailingReceiverAsync();
        await WebhookAsync(receiver, retrySchedule: [240]);
        var first = await PublishAndAttemptAsync();

        var panel = Render<AttemptDetailPanel>(p => p.Add(x => x.AttemptId, first.Id));

        var next = (Engine.Time.GetUtcNow() + TimeSpan.FromMinutes(4)).ToLocalTime();
        panel.WaitForAssertion(() => Assert.Equal($"retrying — next attempt at {next:HH:mm:ss} (in 4 min)", Text(panel.Find("[data-testid=delivery-state-line]"))));
        Assert.Contains("HTTP 500", Text(panel.Find("[data-testid=selected-attempt]")));
    }

    [Fact]
    public async Task FollowsTheDelivery_WhenTheEngineAttemptsItAgain()
    {
        await using var receiver = await FailingReceiverAsync();
        await WebhookAsync(receiver, retrySchedule: [240]);
        var first = await PublishAndAttemptAsync();
        var panel = Render<AttemptDetailPanel>(p => p.Add(x => x.AttemptId, first.Id));
        panel.WaitForAssertion(() => Assert.StartsWith("retrying", Text(panel.Find("[data-testid=delivery-state-line]"))));

        receiver.Respond = (_, c) => c.Response.WriteAsync("ok");
        Engine.Time.Advance(TimeSpan.FromMinutes(4));
        await Engine.AttemptDueAsync(); // the retry: the worker reports it, the open panel follows

        panel.WaitForAssertion(() =>
        {
            Assert.Equal("succeeded — delivered", Text(panel.Find("[data-testid=delivery-state-line]")));
            var rows = panel.FindAll("[data-testid=delivery-attempts] tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Contains("Succeeded", rows[1].TextContent);
        });
    }

    [Fact]
    public async Task Resend_SendsItAgain_AndTheNewAttemptAppearsLive()
    {
        await using var receiver = await FailingReceiverAsync();
        var webhook = await WebhookAsync(receiver, retrySchedule: []);
        var first = await PublishAndAttemptAsync();
        var panel = Render<AttemptDetailPanel>(p => p.Add(x => x.AttemptId, first.Id));
        panel.WaitForAssertion(() => Assert.Equal("failed — no more retries; Resend sends it again", Text(panel.Find("[data-testid=delivery-state-line]"))));
        receiver.Respond = (_, c) => c.Response.WriteAsync("ok"); // the receiver has recovered

        await panel.Find("[data-testid=resend-button]").ClickAsync();

        panel.WaitForAssertion(() => Assert.StartsWith("pending", Text(panel.Find("[data-testid=delivery-state-line]"))));
        Assert.NotNull(panel.Find("[data-testid=resend-waiting]"));
        Assert.True(panel.Find("[data-testid=resend-button]").HasAttribute("disabled")); // on its way: no second resend
        await using (var db = Engine.Db())
            Assert.Equal(Admin, (await db.AuditEntries.SingleAsync(e => e.Action == "delivery.resent" && e.TargetId == webhook.Id.ToString())).Actor);

        await Engine.AttemptDueAsync(); // what the dispatcher does next

        panel.WaitForAssertion(() =>
        {
            Assert.Equal("succeeded — delivered", Text(panel.Find("[data-testid=delivery-state-line]")));
            Assert.Equal(2, panel.FindAll("[data-testid=delivery-attempts] tbody tr").Count);
            Assert.StartsWith("Attempt 2 Succeeded HTTP 200", Text(panel.Find("[data-testid=selected-attempt]"))); // the new attempt is shown
        });
        Assert.Empty(panel.FindAll("[data-testid=resend-waiting]"));
        Assert.Single(receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
    }

    [Fact]
    public async Task Resend_SaysWhyNot_WhenTheWebhookIsDisabled()
    {
        await using var receiver = await FailingReceiverAsync();
        var webhook = await WebhookAsync(receiver, retrySchedule: []);
        var first = await PublishAndAttemptAsync();
        await Engine.Get<SubscriptionService>().SetEnabledAsync(webhook.Id, false, Admin);
        var panel = Render<AttemptDetailPanel>(p => p.Add(x => x.AttemptId, first.Id));

        await panel.WaitForElement("[data-testid=resend-button]").ClickAsync();

        panel.WaitForAssertion(() => Assert.EndsWith("The webhook 'CRM leads' is disabled. Enable it first, then resend.",
            Text(panel.Find("[data-testid=resend-problem]"))));
        Assert.StartsWith("failed", Text(panel.Find("[data-testid=delivery-state-line]")));
    }

    [Fact]
    public async Task OpenedFromADelivery_NotYetAttempted_ShowsItPending_WithoutResend()
    {
        await using var receiver = await FailingReceiverAsync();
        await WebhookAsync(receiver, retrySchedule: []);
        await Engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["name"] = "Ana" });
        Guid deliveryId;
        await using (var db = Engine.Db())
            deliveryId = (await db.Deliveries.SingleAsync()).Id;

        var panel = Render<AttemptDetailPanel>(p => p.Add(x => x.DeliveryId, deliveryId));

        panel.WaitForAssertion(() => Assert.Equal("pending — waiting to be sent", Text(panel.Find("[data-testid=delivery-state-line]"))));
        Assert.Contains("No attempt has been made yet.", panel.Markup);
        Assert.True(panel.Find("[data-testid=resend-button]").HasAttribute("disabled"));
        Assert.Contains("\"Ana\"", panel.Find("[data-testid=detail-request-body]").TextContent);
        Assert.Contains("CRM leads", panel.Find(".attempt-facts").TextContent);
    }

    private static async Task<TestReceiver> FailingReceiverAsync()
    {
        var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        return receiver;
    }

    private async Task<WebhookSubscription> WebhookAsync(TestReceiver receiver, int[] retrySchedule) =>
        (await Engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("CRM leads", receiver.Url, ["lead.created"], RetrySchedule: retrySchedule), Admin)).Subscription;

    private async Task<DeliveryAttempt> PublishAndAttemptAsync()
    {
        await Engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["name"] = "Ana" });
        return await Engine.AttemptDueAsync();
    }

    private static string Text(IElement element) => Regex.Replace(element.TextContent, @"\s+", " ").Trim();
}
