using WebhookConsole.Engine.Inbound;
using WebhookConsole.Web.Api;
using WebhookConsole.Web.Hubs;

namespace WebhookConsole.Web.Extensions;

/// <summary>The inbound side of the web app: its settings, its live feed, and the public <c>/in/{token}</c> route.</summary>
public static class InboundWebExtensions
{
    /// <summary>Binds <c>Inbound:*</c> and registers the live feed of the raw request log.</summary>
    public static WebApplicationBuilder AddConsoleInbound(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<InboundOptions>(builder.Configuration.GetSection("Inbound"));
        builder.Services.AddSingleton<InboundFeed>();
        builder.Services.AddSingleton<IInboundObserver>(sp => sp.GetRequiredService<InboundFeed>());
        return builder;
    }
}
