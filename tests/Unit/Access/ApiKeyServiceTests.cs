using System.Text;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Access;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Access;

public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private ApiKeyService Keys => _engine.Get<ApiKeyService>();

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Create_StoresOnlyTheHash_NeverThePlaintext()
    {
        var (key, plaintext) = await Keys.CreateAsync("CRM sync", "admin@localhost");

        Assert.StartsWith("wc_", plaintext);
        Assert.True(plaintext.Length >= 40);
        Assert.Equal(plaintext[..10], key.Prefix);
        await using (var db = _engine.Db())
        {
            var stored = await db.ApiKeys.SingleAsync();
            Assert.Equal(ApiKeyService.Hash(plaintext), stored.Hash);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(Path.GetDirectoryName(_engine.DatabasePath)!);
        Assert.All(files, f => Assert.DoesNotContain(plaintext, Encoding.UTF8.GetString(File.ReadAllBytes(f))));
    }

    [Fact]
    public async Task Authenticate_AcceptsAnActiveKey_AndRecordsWhenItWasUsed()
    {
        var (_, plaintext) = await Keys.CreateAsync("ci", "admin@localhost");

        var key = await Keys.AuthenticateAsync(plaintext);

        Assert.NotNull(key);
        Assert.Equal(_engine.Time.GetUtcNow(), (await Keys.ListAsync()).Single().LastUsedAt);
    }

    [Fact]
    public async Task Authenticate_RefusesWrongAndRevokedKeys()
    {
        var (key, plaintext) = await Keys.CreateAsync("ci", "admin@localhost");
        Assert.Null(await Keys.AuthenticateAsync(plaintext + "x"));
        Assert.Null(await Keys.AuthenticateAsync("not-a-key"));

        Assert.True(await Keys.RevokeAsync(key.Id, "admin@localhost"));

        Assert.Null(await Keys.AuthenticateAsync(plaintext));
        Assert.False(await Keys.RevokeAsync(key.Id, "admin@localhost"));
    }

    [Fact]
    public async Task CreateAndRevoke_AreAudited_WithoutTheKey()
    {
        var (key, plaintext) = await Keys.CreateAsync("billing", "ana@example.com");
        _engine.Time.Advance(TimeSpan.FromMinutes(5));
        await Keys.RevokeAsync(key.Id, "bo@example.com");

        await using var db = _engine.Db();
        var entries = await db.AuditEntries.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["api_key.created", "api_key.revoked"], entries.Select(e => e.Action));
        Assert.Equal(["ana@example.com", "bo@example.com"], entries.Select(e => e.Actor));
        Assert.All(entries, e => Assert.Equal("billing", e.TargetName));
        Assert.All(entries, e => Assert.DoesNotContain(plaintext, $"{e.Changes}{e.TargetName}{e.TargetId}"));
        Assert.Equal(TimeSpan.FromMinutes(5), entries[1].At - entries[0].At);
    }

    [Fact]
    public async Task Bootstrap_CreatesTheConfiguredKeyOnce()
    {
        const string configured = "wc_bootstrap_for_scripts_0123456789";
        await Keys.EnsureBootstrapAsync(configured);
        await Keys.EnsureBootstrapAsync(configured);

        Assert.Single(await Keys.ListAsync());
        Assert.NotNull(await Keys.AuthenticateAsync(configured));
    }

    [Fact]
    public async Task Create_RefusesAnEmptyName()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Keys.CreateAsync("  ", "admin@localhost"));
        Assert.Contains("name", error.Message);
    }

    [Fact]
    public async Task Authenticate_AKeyRevokedHere_StopsAtOnce_EvenRightAfterItWasChecked()
    {
        var (key, plaintext) = await Keys.CreateAsync("ci", "admin@localhost");
        Assert.NotNull(await Keys.AuthenticateAsync(plaintext));

        Assert.True(await Keys.RevokeAsync(key.Id, "admin@localhost"));

        Assert.Null(await Keys.AuthenticateAsync(plaintext));
    }

    [Fact]
    public async Task Authenticate_TakesACheckedKeyOnTrustForAMoment_SoAKeyRevokedOnAnotherNodeStopsWithinIt()
    {
        var (key, plaintext) = await Keys.CreateAsync("ci", "admin@localhost");
        Assert.NotNull(await Keys.AuthenticateAsync(plaintext));
        await using (var db = _engine.Db()) // as another node's revocation reaches the shared database
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, _engine.Time.GetUtcNow()));

        Assert.NotNull(await Keys.AuthenticateAsync(plaintext)); // not read again: publishing at volume reads no key per request
        _engine.Time.Advance(ApiKeyService.RecheckAfter);
        Assert.Null(await Keys.AuthenticateAsync(plaintext));
    }
}
