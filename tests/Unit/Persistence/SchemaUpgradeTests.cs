using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Tests.Unit.Persistence;

/// <summary>A database written by an older version must open, with its data, after later versions add tables.</summary>
public sealed class SchemaUpgradeTests
{
    // Written at schema InitialCreate (before the audit log existed); rebuilt by Fixtures/make-console-v1.py.
    private static readonly string V1Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "console-v1.db");

    [Fact]
    public async Task Start_UpgradesAVersion1Database_AndKeepsItsData()
    {
        await using var engine = await TestEngine.StartAsync(copyOf: V1Fixture, configure: s => s.AddSingleton<AdminAccountService>());

        await using (var db = engine.Db())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            var admin = await db.AdminUsers.SingleAsync();
            Assert.Equal("fixture-admin@example.com", admin.Email);
            Assert.Equal(new DateTimeOffset(2026, 1, 15, 10, 30, 0, TimeSpan.Zero), admin.CreatedAt);
            var key = await db.ApiKeys.SingleAsync();
            Assert.Equal(("fixture key", "wc_fixture"), (key.Name, key.Prefix));
        }
        // The old rows still work: the password signs in, the key authenticates.
        Assert.NotNull(await engine.Get<AdminAccountService>().VerifyAsync("fixture-admin@example.com", "fixture-password-1"));
        Assert.NotNull(await engine.Get<ApiKeyService>().AuthenticateAsync("wc_fixture_key_0123456789abcdef"));
        // And the table added since then is there and usable.
        await using (var db = engine.Db())
        {
            engine.Get<AuditLog>().Add(db, "test", "probe.written", "probe", "1", null);
            await db.SaveChangesAsync();
        }
        var (entries, total) = await engine.Get<AuditLog>().QueryAsync("probe", 0, 10);
        Assert.Equal(1, total);
        Assert.Equal("probe.written", entries[0].Action);
    }

    // Written by the real console over its API at schema AddAssistants (the last net9 build's); rebuilt by Fixtures/make-console-v2.py.
    private static readonly string V2Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "console-v2.db");

    [Fact]
    public async Task Start_UpgradesADatabaseOfTheNet9Build_AndReadsEverythingBack()
    {
        await using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={V2Fixture};Mode=ReadOnly"))
        {
            await raw.OpenAsync();
            await using var last = raw.CreateCommand();
            last.CommandText = "SELECT max(MigrationId) FROM __EFMigrationsHistory";
            Assert.Equal("20261122034307_AddAssistants", await last.ExecuteScalarAsync()); // the fixture really is at the old schema
        }
        await using var engine = await TestEngine.StartAsync(copyOf: V2Fixture);
        await using (var db = engine.Db())
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());

        // A webhook with its two deliveries, each succeeded on its one attempt.
        var webhook = Assert.Single(await engine.Get<SubscriptionService>().ListAsync(), s => s.Name == "fixture webhook");
        Assert.Equal(["ticket.created"], webhook.Events);
        Assert.Equal([5, 60], webhook.RetrySchedule);
        var deliveries = await engine.Get<DeliveryLog>().QueryDeliveriesAsync(webhook.Id, null, null, 0, 10);
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d =>
        {
            Assert.Equal(DeliveryState.Succeeded, d.Delivery.State);
            Assert.Equal(200, Assert.Single(d.Attempts).StatusCode);
            Assert.Contains("Fixture ticket", System.Text.Encoding.UTF8.GetString(d.Delivery.Body));
        });
        Assert.Equal("blob", await engine.BodyTypeAsync()); // written as TEXT by that build, bytes now

        // The mapping, and the inbound webhook that uses it, with both requests in the raw log (the malformed one too).
        var mapping = Assert.Single(await engine.Get<MappingService>().ListAsync(), m => m.Name == "fixture lead mapping");
        Assert.Equal(["contact.name", "contact.phone", "contact.email"], mapping.Fields.Select(f => f.Target));
        var inbound = Assert.Single(await engine.Get<InboundWebhookService>().ListAsync(), i => i.Name == "fixture inbound");
        Assert.Equal(mapping.Id, inbound.MappingId);
        var requests = await engine.Get<InboundRequestLog>().QueryAsync(inbound.Id, null, 0, 10);
        Assert.Equal([202, 400], requests.Items.Select(r => r.Status).Order());
        Assert.Equal("""{"payload": {"people_detail": """, System.Text.Encoding.UTF8.GetString(requests.Items.Single(r => r.Status == 400).Body));
        var lead = requests.Items.Single(r => r.Status == 202);
        Assert.Equal(InboundProcessing.Processed, lead.Processing);
        var contact = await engine.Get<ContactService>().GetAsync(lead.ContactId!.Value);
        Assert.Equal("+910987654321", contact!.Phone);

        // The assistant, its action, and a session whose log holds the call.
        var assistant = Assert.Single(await engine.Get<AssistantService>().ListAsync(), a => a.Name == "fixture assistant");
        var action = Assert.Single(await engine.Get<ActionService>().ListAsync(assistant.Id));
        Assert.Equal(("fixture action", "open_ticket", "POST"), (action.Name, action.TriggerName, action.Method));
        var (sessions, _) = await engine.Get<SessionService>().ListAsync(assistant.Id, 0, 10);
        var session = Assert.Single(sessions);
        Assert.Equal("pro", session.ClientDataObject()["plan"]?.GetValue<string>());
        var (log, total) = await engine.Get<SessionService>().LogAsync(session.Id, 0, 10);
        Assert.Equal(1, total);
        Assert.Equal((action.Id, 200), (log[0].ActionId, log[0].StatusCode));
        Assert.EndsWith("/tickets/pro", log[0].Url);
    }

    [Fact]
    public async Task Start_CreatesANewDatabase_AtTheLatestSchema()
    {
        await using var engine = await TestEngine.StartAsync();
        await using var db = engine.Db();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.PostgreSQL)]
    public async Task Upgrade_TurnsATextBodyIntoItsUtf8Bytes_WhichAreClaimedAndSentUnchanged(StoreProvider provider)
    {
        await using var engine = await TestEngine.StartAsync(provider: provider);
        await using var receiver = await TestReceiver.StartAsync();
        var (webhook, secret) = await engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("crm", receiver.Url, ["lead.created"]), "test");
        await engine.Get<EventPublisher>().PublishAsync("lead.created", new JsonObject { ["name"] = "Zoë" });
        byte[] published;
        await using (var db = engine.Db())
        {
            published = await db.Deliveries.Select(d => d.Body).SingleAsync();
            // Back to the schema before bodies were bytes: the body is text there, as that version wrote it.
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_DeliveryBodyAsBytes")) - 1]);
            Assert.Equal("text", await engine.BodyTypeAsync());
            await db.Database.MigrateAsync();
        }

        Assert.Equal(engine.Provider == StoreProvider.Sqlite ? "blob" : "bytea", await engine.BodyTypeAsync());
        var claimed = Assert.Single(await engine.Get<IDeliveryStore>().ClaimDueAsync(
            new ClaimLimits(8, PerEndpoint: 8, [], new Dictionary<Guid, int>(), engine.Time.GetUtcNow())));
        var attempt = await engine.Get<DeliveryWorker>().AttemptAsync(claimed.Delivery, webhook, CancellationToken.None);

        Assert.True(attempt!.Succeeded, attempt.Failure);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(published, request.Body);
        Assert.True(WebhookSigner.VerifyHex(secret, request.Body, request.Headers["X-Webhook-Signature"]));
    }

    [Fact]
    public async Task Upgrade_CountsTheAttemptsAlreadyStored_IntoHourlyCounters()
    {
        await using var engine = await TestEngine.StartAsync();
        var webhook = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        await using (var db = engine.Db())
        {
            // Back to the schema before the counters, with attempts logged by that version.
            await db.GetService<IMigrator>().MigrateAsync("AddAssistants");
            foreach (var (minutes, succeeded, isTest) in new[] { (5, 1, 0), (50, 0, 0), (55, 1, 1), (65, 1, 0) })
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO DeliveryAttempts (DeliveryId, SubscriptionId, EventType, Number, At, DurationMs, Succeeded, IsTest, RequestHeaders)
                    VALUES ({Guid.NewGuid()}, {webhook}, 'ticket.created', 1, {(at + TimeSpan.FromMinutes(minutes)).UtcTicks}, 3, {succeeded}, {isTest}, {"{}"})
                    """);
            await db.Database.MigrateAsync();
        }

        var rates = await engine.Get<Engine.Delivery.DeliveryLog>().SuccessRatesAsync(at + TimeSpan.FromHours(2));

        var hours = rates[webhook];
        Assert.Equal((2, 1), (hours[21].Attempts, hours[21].Succeeded)); // 09:00–10:00, the "Send test" left out
        Assert.Equal((1, 1), (hours[22].Attempts, hours[22].Succeeded)); // 10:00–11:00
        // The Overview's duration buckets too: every attempt took 3 ms, so each hour has its non-test attempts in the 3 ms bucket.
        await using (var db = engine.Db())
        {
            var buckets = (await db.Set<Engine.Delivery.HourlyDuration>().ToListAsync()).OrderBy(d => d.Hour).Select(d => (d.Hour.Hour, d.UpperMs, d.Count));
            Assert.Equal([(9, 3, 2), (10, 3, 1)], buckets);
        }
    }
}
