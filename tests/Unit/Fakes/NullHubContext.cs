using Microsoft.AspNetCore.SignalR;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>An untyped hub context whose clients hear nothing: lets component tests build a real InboundFeed without SignalR.</summary>
public sealed class NullHubContext<THub> : IHubContext<THub> where THub : Hub
{
    public IHubClients Clients { get; } = new NullClients();
    public IGroupManager Groups { get; } = new NullGroups();

    private sealed class NullProxy : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NullClients : IHubClients
    {
        private static readonly NullProxy Silent = new();
        public IClientProxy All => Silent;
        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => Silent;
        public IClientProxy Client(string connectionId) => Silent;
        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => Silent;
        public IClientProxy Group(string groupName) => Silent;
        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => Silent;
        public IClientProxy Groups(IReadOnlyList<string> groupNames) => Silent;
        public IClientProxy User(string userId) => Silent;
        public IClientProxy Users(IReadOnlyList<string> userIds) => Silent;
    }

    private sealed class NullGroups : IGroupManager
    {
        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
