using WebhookConsole.Web.Extensions;

namespace WebhookConsole.Web.Api;

/// <summary>Maps the <c>/api/v1</c> group: every route in it needs an API key (or a sign-in: reads for anyone, changes for an admin).</summary>
public static class ApiEndpoints
{
    public static void MapConsoleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(ConsoleWebExtensions.ApiPolicy).DisableAntiforgery();
        api.MapEventTypes();
        api.MapEvents();
        api.MapWebhooks();
        api.MapDeliveries();
        api.MapInbound();
        api.MapMappings();
        api.MapContacts();
        api.MapAssistants();
        api.MapActions();
        api.MapSessions();
        api.MapApiKeys();
        api.MapUsers();
    }
}
