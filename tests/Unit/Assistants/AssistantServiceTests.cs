using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Assistants;

public sealed class AssistantServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task CompanyId_IsSet_Cleared_AndAudited()
    {
        var assistants = _engine.Get<AssistantService>();

        Assert.Null(await assistants.GetCompanyIdAsync());
        await assistants.SetCompanyIdAsync("  acme-42 ", "ana");
        Assert.Equal("acme-42", await assistants.GetCompanyIdAsync());
        await assistants.SetCompanyIdAsync("", "ana");
        Assert.Null(await assistants.GetCompanyIdAsync());

        await using var db = _engine.Db();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "company.updated"));
    }

    [Fact]
    public async Task Create_TakesAGivenId_OnceOnly()
    {
        var assistants = _engine.Get<AssistantService>();
        var id = Guid.Parse("6434515b-8541-4861-bb24-8acd6e77e8c4");

        var created = await assistants.CreateAsync("FineGuide bot", "ana", id);
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => assistants.CreateAsync("Again", "ana", id));

        Assert.Equal(id, created.Id);
        Assert.Equal([$"An assistant with id {id} already exists."], e.Errors["id"]);
    }

    [Fact]
    public async Task Delete_RemovesItsActions()
    {
        var assistants = _engine.Get<AssistantService>();
        var assistant = await assistants.CreateAsync("Bot", "ana");
        await _engine.Get<ActionService>().CreateAsync(new ActionInput(assistant.Id, "A", "https://x.example.com", "GET", null, null, null, true,
            new TriggerInput("a", "does a", null)), "ana");

        Assert.True(await assistants.DeleteAsync(assistant.Id, "ana"));

        Assert.Empty(await _engine.Get<ActionService>().ListAsync());
        Assert.Empty(await assistants.ListAsync());
    }

    [Fact]
    public async Task Rename_RefusesAnEmptyName()
    {
        var assistant = await _engine.Get<AssistantService>().CreateAsync("Bot", "ana");

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _engine.Get<AssistantService>().RenameAsync(assistant.Id, " ", "ana"));

        Assert.Equal(["Give the assistant a name of 1 to 200 characters."], e.Errors["name"]);
    }
}
