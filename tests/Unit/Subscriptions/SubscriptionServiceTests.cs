using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Subscriptions;

public sealed class SubscriptionServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private SubscriptionService Subscriptions => _engine.Get<SubscriptionService>();

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static SubscriptionInput Input(string url = "https://hooks.example.com/in") =>
        new("CRM", url, ["message.incoming", "CREATE_LEAD"], Headers: [new HeaderInput("X-Webhook-Secret", "s3cr3t-header")]);

    [Theory]
    [InlineData("http://127.0.0.1/hook", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data", "cloud metadata")]
    public async Task Create_RefusesPrivateDestinations_UnderDefaultSettings_WithTheReason(string url, string reason)
    {
        await using var strict = await TestEngine.StartAsync(configure: s => s.Configure<WebhookEngineOptions>(o =>
        {
            o.AllowHttp = false;
            o.AllowPrivateNetworks = false;
        }));

        var error = await Assert.ThrowsAsync<SubscriptionValidationException>(() =>
            strict.Get<SubscriptionService>().CreateAsync(Input(url), "ana"));

        Assert.Contains(reason, error.Errors["url"][0]);
        await using var db = strict.Db();
        Assert.Empty(await db.Subscriptions.ToListAsync());
    }

    [Fact]
    public async Task Create_ResolvesAliases_AndGeneratesASecretThatIsStoredProtected()
    {
        var (subscription, secret) = await Subscriptions.CreateAsync(Input(), "ana");

        Assert.Equal(["message.incoming", "lead.created"], subscription.Events);
        Assert.StartsWith("whsec_", secret);
        Assert.DoesNotContain(secret, subscription.ProtectedSecret);
        Assert.DoesNotContain("s3cr3t-header", subscription.Headers[0].ProtectedValue);
        Assert.Equal([secret], Subscriptions.ActiveSecrets(subscription));
        Assert.Equal([("X-Webhook-Secret", "s3cr3t-header")], Subscriptions.Headers(subscription));
    }

    [Fact]
    public async Task Update_KeepsAHeaderValue_WhenItIsNotSentAgain()
    {
        var (subscription, _) = await Subscriptions.CreateAsync(Input(), "ana");

        var updated = await Subscriptions.UpdateAsync(subscription.Id,
            Input() with { Name = "CRM sync", Headers = [new HeaderInput("X-Webhook-Secret", null)] }, "ana");

        Assert.Equal("CRM sync", updated!.Name);
        Assert.Equal([("X-Webhook-Secret", "s3cr3t-header")], Subscriptions.Headers(updated));
    }

    [Fact]
    public async Task Validation_NamesEveryProblem()
    {
        var error = await Assert.ThrowsAsync<SubscriptionValidationException>(() => Subscriptions.CreateAsync(
            new SubscriptionInput("", "ftp://x", ["nope"], Headers: [new HeaderInput("Bad Header", "v")], TimeoutSeconds: 31), "ana"));

        Assert.Equal(["events", "headers", "name", "timeoutSeconds", "url"], error.Errors.Keys.Order());
        Assert.Contains("nope", error.Errors["events"][0]);
    }

    [Fact]
    public async Task EveryChange_IsAudited_WithoutAnySecret()
    {
        var (subscription, secret) = await Subscriptions.CreateAsync(Input(), "ana");
        await Subscriptions.UpdateAsync(subscription.Id, Input() with { Headers = [new HeaderInput("X-Webhook-Secret", "new-header-value")] }, "bo");
        await Subscriptions.SetEnabledAsync(subscription.Id, false, "bo");
        await Subscriptions.SetEnabledAsync(subscription.Id, true, "bo");
        var rotated = await Subscriptions.RotateSecretAsync(subscription.Id, "ana");
        await Subscriptions.DeleteAsync(subscription.Id, "ana");

        await using var db = _engine.Db();
        var entries = await db.AuditEntries.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["webhook.created", "webhook.updated", "webhook.disabled", "webhook.enabled", "webhook.secret_rotated", "webhook.deleted"],
            entries.Select(e => e.Action));
        Assert.Contains("\"headerValues\":\"(changed)\"", entries[1].Changes);
        foreach (var text in entries.Select(e => e.Changes ?? ""))
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(rotated!, text);
            Assert.DoesNotContain("s3cr3t-header", text);
            Assert.DoesNotContain("new-header-value", text);
        }
    }
}
