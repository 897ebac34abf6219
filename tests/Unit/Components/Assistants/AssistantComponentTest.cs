using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Components.Assistants;

/// <summary>The component base plus the assistant services and a session log feed whose hub side sends nothing.</summary>
public abstract class AssistantComponentTest : EngineComponentTest
{
    protected SessionLogFeed LogFeed { get; } = new(new NullDeliveriesHubContext());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton(Engine.Get<AssistantService>());
        Services.AddSingleton(Engine.Get<ActionService>());
        Services.AddSingleton(Engine.Get<SessionService>());
        Services.AddSingleton(Engine.Get<ActionRunner>());
        Services.AddSingleton(LogFeed);
    }
}
