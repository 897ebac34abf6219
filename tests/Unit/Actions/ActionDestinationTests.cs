using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Actions;

/// <summary>Actions obey the outbound webhooks' destination rules, also when a variable supplies the host.</summary>
public sealed class ActionDestinationTests
{
    [Fact]
    public async Task Invoke_RefusesALoopbackHostFromAVariable_WhenPrivateNetworksAreNotAllowed()
    {
        await using var engine = await TestEngine.StartAsync(configure: s => s.Configure<WebhookEngineOptions>(o => o.AllowPrivateNetworks = false));
        await using var receiver = await TestReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        var assistant = await engine.Get<AssistantService>().CreateAsync("Bot", "test");
        var action = await engine.Get<ActionService>().CreateAsync(new ActionInput(assistant.Id, "Lookup", $"http://$host:{port}/hook", "GET",
            null, null, null, true, new TriggerInput("lookup", "Looks up", null)), "test");
        var session = await engine.Get<SessionService>().CreateAsync(assistant.Id, new() { ["host"] = "127.0.0.1" }, null);

        var result = await engine.Get<ActionRunner>().InvokeAsync(session, action, null);

        Assert.Empty(receiver.Requests);
        Assert.Contains("loopback", Assert.Single(result.Refused["url"]));
        Assert.False(result.LogEntry.Sent);
    }

    [Fact]
    public async Task Save_RefusesALiteralLoopbackUrl_WhenPrivateNetworksAreNotAllowed()
    {
        await using var engine = await TestEngine.StartAsync(configure: s => s.Configure<WebhookEngineOptions>(o => o.AllowPrivateNetworks = false));
        var assistant = await engine.Get<AssistantService>().CreateAsync("Bot", "test");

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => engine.Get<ActionService>().CreateAsync(new ActionInput(assistant.Id,
            "Lookup", "http://127.0.0.1:9/orders/$id", "GET", null, null, null, true, new TriggerInput("lookup", "Looks up", null)), "test"));

        Assert.Contains("loopback", Assert.Single(e.Errors["url"]));
    }
}
