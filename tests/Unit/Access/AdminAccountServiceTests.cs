using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Tests.Unit.Access;

public sealed class AdminAccountServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private AdminAccountService Accounts => _engine.Get<AdminAccountService>();

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync(configure: s => s.AddSingleton<AdminAccountService>());
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task EnsureAdmin_GeneratesAPassword_WhenNoneIsConfigured_AndOnlyOnce()
    {
        var generated = await Accounts.EnsureAdminAsync("admin@localhost", null);

        Assert.False(string.IsNullOrWhiteSpace(generated));
        Assert.NotNull(await Accounts.VerifyAsync("admin@localhost", generated!));
        Assert.Null(await Accounts.EnsureAdminAsync("admin@localhost", null));
    }

    [Fact]
    public async Task EnsureAdmin_AppliesAConfiguredPassword_ToAnExistingAccount()
    {
        await Accounts.EnsureAdminAsync("admin@localhost", "first-password-1");
        await Accounts.EnsureAdminAsync("admin@localhost", "second-password-2");

        Assert.Null(await Accounts.VerifyAsync("admin@localhost", "first-password-1"));
        Assert.NotNull(await Accounts.VerifyAsync("admin@localhost", "second-password-2"));
    }

    [Fact]
    public async Task Verify_RefusesAWrongPasswordOrEmail_AndStoresNoPlaintext()
    {
        await Accounts.EnsureAdminAsync("admin@localhost", "correct-horse-battery");

        Assert.Null(await Accounts.VerifyAsync("admin@localhost", "wrong"));
        Assert.Null(await Accounts.VerifyAsync("nobody@localhost", "correct-horse-battery"));
        await using var db = _engine.Db();
        var user = db.AdminUsers.Single();
        Assert.DoesNotContain("correct-horse-battery", user.PasswordHash);
        Assert.Equal(_engine.Time.GetUtcNow(), (await Accounts.VerifyAsync("admin@localhost", "correct-horse-battery"))!.LastSignInAt);
    }
}
