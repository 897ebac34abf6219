using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Engine.Inbound;

/// <summary>Registers inbound webhooks, mappings and contacts; called by <c>AddWebhookEngine</c>.</summary>
public static class InboundServiceCollectionExtensions
{
    public static IServiceCollection AddInbound(this IServiceCollection services)
    {
        services.AddOptions<InboundOptions>()
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= InboundOptions.Ceiling,
                $"Inbound:MaxBodyBytes must be between 1024 and {InboundOptions.Ceiling} bytes (default 1048576 = 1 MB).")
            .ValidateOnStart();
        services.AddSingleton<InboundWebhookService>();
        services.AddSingleton<InboundReceiver>();
        services.AddSingleton<InboundRequestLog>();
        services.AddSingleton<InboundSignal>();
        services.AddSingleton<InboundProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundProcessor>());
        services.TryAddSingleton<IInboundObserver, NullInboundObserver>();
        services.AddSingleton<MappingService>();
        services.AddSingleton<ContactService>();
        return services;
    }
}
