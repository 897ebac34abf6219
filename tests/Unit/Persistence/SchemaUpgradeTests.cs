using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
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

    [Fact]
    public async Task Start_CreatesANewDatabase_AtTheLatestSchema()
    {
        await using var engine = await TestEngine.StartAsync();
        await using var db = engine.Db();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }
}
