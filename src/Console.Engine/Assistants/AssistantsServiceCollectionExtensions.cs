using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookConsole.Engine.Actions;
using WebhookConsole.Engine.Sessions;

namespace WebhookConsole.Engine.Assistants;

/// <summary>Registers assistants, their sessions and their webhook actions.</summary>
public static class AssistantsServiceCollectionExtensions
{
    /// <summary>Adds the assistant services; actions send through the outbound webhooks' HTTP client (same SSRF rules).</summary>
    public static IServiceCollection AddAssistants(this IServiceCollection services)
    {
        services.AddSingleton<AssistantService>();
        services.AddSingleton<SessionService>();
        services.TryAddSingleton<ISessionLogObserver, NullSessionLogObserver>();
        services.AddSingleton<ActionValidator>();
        services.AddSingleton<ActionService>();
        services.AddSingleton<ActionCallSender>();
        services.AddSingleton<ActionRunner>();
        return services;
    }
}
