using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Access;

namespace WebhookConsole.Tests.Unit.Access;

/// <summary>The team on a real SQLite file: invites, resets, removals, roles, and sign-ins that end when they should.</summary>
public sealed class TeamServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private TeamService Team => _engine.Get<TeamService>();
    private AdminAccountService Accounts => _engine.Get<AdminAccountService>();
    private SignInService SignIn => _engine.Get<SignInService>();

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync(configure: s => s
            .AddSingleton<AdminAccountService>().AddSingleton<TeamService>().AddSingleton<SignInService>()
            .AddSingleton(Options.Create(new SignInOptions())));
        await Accounts.EnsureAdminAsync("owner@example.com", "owner-password-1");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Invite_ThenAccept_MakesAViewerWhoCanSignIn_AndTheLinkWorksOnce()
    {
        var invite = await Team.InviteAsync("Ana@Example.com", Roles.Viewer, "owner@example.com");

        Assert.NotNull(await Team.FindInviteAsync(invite.Token));
        var ana = await Team.AcceptAsync(invite.Token, "ana-chose-this-one");

        Assert.Equal(("ana@example.com", Roles.Viewer), (ana.Email, ana.Role));
        Assert.NotNull(await Accounts.VerifyAsync("ana@example.com", "ana-chose-this-one"));
        Assert.Null(await Team.FindInviteAsync(invite.Token));
        var again = await Assert.ThrowsAsync<TeamChangeRefusedException>(() => Team.AcceptAsync(invite.Token, "another-password-1"));
        Assert.Contains("expired or was already used", again.Message);
        var (entries, _) = await _engine.Get<AuditLog>().QueryAsync("user.", 0, 10);
        Assert.Equal(["user.password_set", "user.invited"], entries.Select(e => e.Action));
    }

    [Fact]
    public async Task AnInvite_ExpiresAfter24Hours()
    {
        var invite = await Team.InviteAsync("late@example.com", Roles.Admin, "owner@example.com");

        _engine.Time.Advance(TeamService.InviteLifetime + TimeSpan.FromSeconds(1));

        Assert.Null(await Team.FindInviteAsync(invite.Token));
        await Assert.ThrowsAsync<TeamChangeRefusedException>(() => Team.AcceptAsync(invite.Token, "too-late-password"));
    }

    [Fact]
    public async Task Reset_StopsThePassword_EndsTheirSignIns_AndANewLinkSetsANewOne()
    {
        var ana = await Team.AcceptAsync((await Team.InviteAsync("ana@example.com", Roles.Viewer, "owner")).Token, "ana-chose-this-one");
        var cookie = SignInService.Principal(ana);
        Assert.True(await SignIn.IsCurrentAsync(cookie));

        var reset = await Team.ResetAsync(ana.Id, "owner@example.com");

        Assert.False(await SignIn.IsCurrentAsync(cookie));
        Assert.Null(await Accounts.VerifyAsync("ana@example.com", "ana-chose-this-one"));
        var again = await Team.AcceptAsync(reset.Token, "a-brand-new-password");
        Assert.Equal(ana.Id, again.Id);
        Assert.NotNull(await Accounts.VerifyAsync("ana@example.com", "a-brand-new-password"));
    }

    [Fact]
    public async Task ChangingOnesPassword_EndsTheOtherSignIns()
    {
        var owner = (await Accounts.VerifyAsync("owner@example.com", "owner-password-1"))!;
        var elsewhere = SignInService.Principal(owner);

        var (problem, changed) = await Accounts.ChangePasswordAsync(owner.Id, "owner-password-1", "owner-password-2");

        Assert.Null(problem);
        Assert.False(await SignIn.IsCurrentAsync(elsewhere));
        Assert.True(await SignIn.IsCurrentAsync(SignInService.Principal(changed!)));
        Assert.Equal("The current password is not right.", (await Accounts.ChangePasswordAsync(owner.Id, "wrong", "owner-password-3")).Problem);
    }

    [Fact]
    public async Task TheLastAdmin_CannotBeRemoved_NorMadeAViewer_ButAnotherCan()
    {
        var owner = (await Accounts.VerifyAsync("owner@example.com", "owner-password-1"))!;

        var removing = await Assert.ThrowsAsync<TeamChangeRefusedException>(() => Team.RemoveAsync(owner.Id, "owner@example.com"));
        var demoting = await Assert.ThrowsAsync<TeamChangeRefusedException>(() => Team.SetRoleAsync(owner.Id, Roles.Viewer, "owner@example.com"));
        Assert.Contains("last admin", removing.Message);
        Assert.Contains("last admin", demoting.Message);

        var bo = await Team.AcceptAsync((await Team.InviteAsync("bo@example.com", Roles.Admin, "owner")).Token, "bo-chose-this-one");
        await Team.SetRoleAsync(owner.Id, Roles.Viewer, "bo@example.com");
        Assert.Equal(Roles.Viewer, (await Accounts.GetAsync(owner.Id))!.Role);
        await Team.RemoveAsync(owner.Id, "bo@example.com");
        Assert.Null(await Accounts.GetAsync(owner.Id));
        Assert.Equal(["bo@example.com"], (await Team.ListAsync()).Select(m => m.Email));
    }

    [Fact]
    public async Task ARemovedPerson_OrANewRole_EndsTheSignIn()
    {
        var ana = await Team.AcceptAsync((await Team.InviteAsync("ana@example.com", Roles.Admin, "owner")).Token, "ana-chose-this-one");
        var cookie = SignInService.Principal(ana);

        await Team.SetRoleAsync(ana.Id, Roles.Viewer, "owner@example.com");
        Assert.False(await SignIn.IsCurrentAsync(cookie));
        var viewer = SignInService.Principal((await Accounts.GetAsync(ana.Id))!);
        Assert.True(await SignIn.IsCurrentAsync(viewer));

        await Team.RemoveAsync(ana.Id, "owner@example.com");
        Assert.False(await SignIn.IsCurrentAsync(viewer));
    }
}
