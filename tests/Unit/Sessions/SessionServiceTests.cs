using System.Text.Json.Nodes;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Sessions;

public sealed class SessionServiceTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private Assistant _assistant = default!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        _assistant = await _engine.Get<AssistantService>().CreateAsync("Bot", "test");
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Create_CarriesTheCompanyId()
    {
        await _engine.Get<AssistantService>().SetCompanyIdAsync("acme", "test");

        var session = await _engine.Get<SessionService>().CreateAsync(_assistant.Id, null, null);

        Assert.Equal("acme", session.CompanyId);
        Assert.Equal("{}", session.ClientData);
    }

    [Fact]
    public async Task Update_MergesKeys_RemovesNullOnes_AndReplacesImages()
    {
        var sessions = _engine.Get<SessionService>();
        var session = await sessions.CreateAsync(_assistant.Id, new JsonObject { ["user_id"] = "usr_1", ["plan"] = "free", ["old"] = 1 },
            ["https://cdn.example.com/1.png"]);

        var (updated, changed) = (await sessions.UpdateAsync(session.Id,
            JsonNode.Parse("""{"user_id":"usr_999","plan":"enterprise","old":null,"seats":{"max":5}}""")!.AsObject(),
            ["https://cdn.example.com/2.png", "https://cdn.example.com/3.png"]))!.Value;

        Assert.Equal("""{"user_id":"usr_999","plan":"enterprise","seats":{"max":5}}""", updated.ClientData);
        Assert.Equal("""{"user_id":"usr_999","plan":"enterprise","old":null,"seats":{"max":5}}""", changed.ToJsonString());
        Assert.Equal(["https://cdn.example.com/2.png", "https://cdn.example.com/3.png"], updated.Images);
    }

    [Fact]
    public async Task Update_WithoutImages_KeepsThem_AndAnUnchangedValueIsNotAChange()
    {
        var sessions = _engine.Get<SessionService>();
        var session = await sessions.CreateAsync(_assistant.Id, new JsonObject { ["plan"] = "pro" }, ["https://cdn.example.com/1.png"]);

        var (updated, changed) = (await sessions.UpdateAsync(session.Id, new JsonObject { ["plan"] = "pro" }, null))!.Value;

        Assert.Empty(changed);
        Assert.Equal(["https://cdn.example.com/1.png"], updated.Images);
    }

    [Fact]
    public async Task Update_RefusesImagesThatAreNotUrls()
    {
        var session = await _engine.Get<SessionService>().CreateAsync(_assistant.Id, null, null);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _engine.Get<SessionService>().UpdateAsync(session.Id, null, ["not a url"]));

        Assert.Equal(["Each image is an absolute http(s) URL of up to 2048 characters; 'not a url' is not."], e.Errors["images"]);
    }

    [Fact]
    public async Task ConcurrentMerges_KeepEveryKey()
    {
        var sessions = _engine.Get<SessionService>();
        var session = await sessions.CreateAsync(_assistant.Id, null, null);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => sessions.UpdateAsync(session.Id, new JsonObject { [$"k{i}"] = i }, null)));

        Assert.Equal(20, (await sessions.GetAsync(session.Id))!.ClientDataObject().Count);
    }

    [Fact]
    public async Task Create_RefusesAnUnknownAssistant()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => _engine.Get<SessionService>().CreateAsync(Guid.NewGuid(), null, null));

        Assert.StartsWith("There is no assistant", Assert.Single(e.Errors["assistantId"]));
    }
}
