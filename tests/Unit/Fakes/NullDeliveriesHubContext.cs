using Microsoft.AspNetCore.SignalR;
using WebhookConsole.Engine;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>A hub context whose clients hear nothing: lets component tests build the real feeds without SignalR.</summary>
public sealed class NullDeliveriesHubContext : IHubContext<DeliveriesHub, IDeliveriesClient>
{
    public IHubClients<IDeliveriesClient> Clients { get; } = new NullClients();
    public IGroupManager Groups { get; } = new NullGroups();

    private sealed class NullClient : IDeliveriesClient
    {
        public Task AttemptRecorded(Engine.Delivery.AttemptRecorded attempt) => Task.CompletedTask;
        public Task DeliveryStateChanged(Engine.Delivery.DeliveryStateChanged change) => Task.CompletedTask;
        public Task InboundRequestChanged(Engine.Inbound.InboundRequestChanged change) => Task.CompletedTask;
        public Task SessionLogAdded(Engine.Sessions.SessionLogAdded entry) => Task.CompletedTask;
    }

    private sealed class NullClients : IHubClients<IDeliveriesClient>
    {
        private static readonly NullClient Silent = new();
        public IDeliveriesClient All => Silent;
        public IDeliveriesClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => Silent;
        public IDeliveriesClient Client(string connectionId) => Silent;
        public IDeliveriesClient Clients(IReadOnlyList<string> connectionIds) => Silent;
        public IDeliveriesClient Group(string groupName) => Silent;
        public IDeliveriesClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => Silent;
        public IDeliveriesClient Groups(IReadOnlyList<string> groupNames) => Silent;
        public IDeliveriesClient User(string userId) => Silent;
        public IDeliveriesClient Users(IReadOnlyList<string> userIds) => Silent;
    }

    private sealed class NullGroups : IGroupManager
    {
        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
