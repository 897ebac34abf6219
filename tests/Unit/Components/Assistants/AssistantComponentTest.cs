using Microsoft.AspNetCore.SignalR;
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
    protected SessionLogFeed LogFeed { get; } = new(new SilentHubContext());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton(Engine.Get<AssistantService>());
        Services.AddSingleton(Engine.Get<ActionService>());
        Services.AddSingleton(Engine.Get<SessionService>());
        Services.AddSingleton(Engine.Get<ActionRunner>());
        Services.AddSingleton(LogFeed);
    }

    private sealed class SilentHubContext : IHubContext<DeliveriesHub>
    {
        public IHubClients Clients { get; } = new SilentClients();
        public IGroupManager Groups => throw new NotSupportedException();
    }

    private sealed class SilentClients : IHubClients
    {
        private static readonly IClientProxy Proxy = new SilentProxy();
        public IClientProxy All => Proxy;
        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => Proxy;
        public IClientProxy Client(string connectionId) => Proxy;
        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => Proxy;
        public IClientProxy Group(string groupName) => Proxy;
        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => Proxy;
        public IClientProxy Groups(IReadOnlyList<string> groupNames) => Proxy;
        public IClientProxy User(string userId) => Proxy;
        public IClientProxy Users(IReadOnlyList<string> userIds) => Proxy;
    }

    private sealed class SilentProxy : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
