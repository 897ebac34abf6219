using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Radzen;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Security;
using WebhookConsole.Web.Hubs;
using WebhookConsole.Web.Security;
using WebhookConsole.Web.Access;
using WebhookConsole.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookConsole.Web.Components;
using WebhookConsole.Web.Components.Pages;

namespace WebhookConsole.Web.Extensions;

/// <summary>The web app's two doors: <see cref="AddConsoleWeb"/> registers everything, <see cref="MapConsole"/> maps it.</summary>
public static partial class ConsoleWebExtensions
{
    /// <summary>Policy for the API: an API key is required.</summary>
    public const string ApiPolicy = "api";

    /// <summary>Registers the engine, sign-in, API, OpenAPI and the Blazor admin UI.</summary>
    public static WebApplicationBuilder AddConsoleWeb(this WebApplicationBuilder builder)
    {
        // Static web assets (Radzen's CSS and JS) are read from the build's manifest in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        var config = builder.Configuration;
        var connectionString = ResolveDatabasePath(config.GetConnectionString("Console") ?? "Data Source=console.db",
            builder.Environment.ContentRootPath);
        builder.Services.AddWebhookEngine(o =>
        {
            o.ConnectionString = connectionString;
            o.BootstrapApiKey = config["Console:ApiKeys:Bootstrap"];
            o.AllowHttp = config.GetValue("Webhooks:AllowHttp", false);
            o.AllowPrivateNetworks = config.GetValue("Webhooks:AllowPrivateNetworks", false);
            o.MaxConcurrentAttempts = config.GetValue("Webhooks:MaxConcurrentAttempts", o.MaxConcurrentAttempts);
            o.MaxConcurrentPerEndpoint = config.GetValue("Webhooks:MaxConcurrentPerEndpoint", o.MaxConcurrentPerEndpoint);
            o.RetryJitter = config.GetValue("Webhooks:RetryJitter", o.RetryJitter);
            o.AutoDisableAfter = config.GetValue("Webhooks:AutoDisableAfter", o.AutoDisableAfter);
            o.ShutdownGrace = config.GetValue("Webhooks:ShutdownGrace", o.ShutdownGrace);
        });
        // The host waits for the dispatcher's grace period (in-flight attempts finish or go back to pending) and a little more.
        var grace = config.GetValue("Webhooks:ShutdownGrace", TimeSpan.FromSeconds(10));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        builder.Services.AddSingleton<DeliveryFeed>();
        builder.Services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<DeliveryFeed>());
        builder.AddConsoleInbound();
        builder.Services.AddSingleton<SessionLogFeed>();
        builder.Services.AddSingleton<WebhookConsole.Engine.Sessions.ISessionLogObserver>(sp => sp.GetRequiredService<SessionLogFeed>());
        builder.Services.AddSignalR();
        builder.Services.AddOptions<ConsoleAdminOptions>().BindConfiguration("Console:Admin")
            .Validate(o => o.Email.Contains('@'), "Console:Admin:Email must be an email address, e.g. admin@example.com.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AdminAccountService>();
        // Sign-in cookies (and, later, stored secrets) are protected by keys kept beside the database, so they survive restarts.
        builder.Services.AddDataProtection()
            .SetApplicationName("WebhookConsole")
            .PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(connectionString)));

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "webhookconsole.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        // Unreadable bodies throw, so BadRequestHandler can say what was wrong (minimal APIs answer a bare 400 otherwise).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.AddConsoleOpenApi();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();
        return builder;
    }

    /// <summary>Brings the store up to date and makes sure the first admin can sign in.</summary>
    public static async Task InitializeConsoleAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<EngineInitializer>().InitializeAsync();
        var admin = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleAdminOptions>>().Value;
        var generated = await app.Services.GetRequiredService<AdminAccountService>().EnsureAdminAsync(admin.Email, admin.Password);
        if (generated is not null)
            LogGeneratedPassword(app.Logger, admin.Email, generated);
    }

    /// <summary>Maps the health check, the OpenAPI document, the API, sign-out and the admin UI.</summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseExceptionHandler();
        // API paths answer unmatched routes and bare error statuses with problem+json; pages keep their own handling.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapConsoleHealth();
        app.MapOpenApi().AllowAnonymous();
        app.MapConsoleApi();
        app.MapInboundReceiver();
        app.MapAccountEndpoints();
        app.MapHub<DeliveriesHub>("/hubs/deliveries");
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapFallbacks();
        return app;
    }

    // "Data Source=console.db" means beside the content root (the project folder under `dotnet run`), not the current directory.
    private static string ResolveDatabasePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        return builder.ToString();
    }

    // Unknown API routes answer problem+json; unknown pages send a signed-out visitor to sign in, and show "not found" otherwise.
    private static void MapFallbacks(this WebApplication app)
    {
        app.MapFallback("/api/{**path}", (HttpContext context, EndpointDataSource endpoints) =>
            // Routing skips an endpoint whose body type does not match (and lands here): say so, rather than "no such route".
            context.Request.ContentType is { } type && !context.Request.HasJsonContentType() && RouteExists(endpoints, context.Request)
                ? TypedResults.Problem(title: "Send JSON",
                    detail: $"{context.Request.Method} {context.Request.Path} takes application/json, not {type.Split(';')[0]}.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType)
                : TypedResults.Problem(title: "No such API route",
                    detail: $"{context.Request.Method} {context.Request.Path} is not part of the API. /openapi/v1.json lists every route.",
                    statusCode: StatusCodes.Status404NotFound));
        app.MapFallback((HttpContext context) => new RazorComponentResult<NotFoundPage>(new { Path = context.Request.Path.Value ?? "" })
        {
            StatusCode = StatusCodes.Status404NotFound,
        }).RequireAuthorization();
    }

    // Whether an API endpoint (not a fallback) has this method and a route pattern matching this path.
    private static bool RouteExists(EndpointDataSource endpoints, HttpRequest request) =>
        endpoints.Endpoints.OfType<RouteEndpoint>().Any(e =>
            e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(request.Method) == true
            && e.RoutePattern.RawText?.StartsWith("/api/{**", StringComparison.Ordinal) != true
            && new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(
                    Microsoft.AspNetCore.Routing.Template.TemplateParser.Parse(e.RoutePattern.RawText ?? ""), new RouteValueDictionary())
                .TryMatch(request.Path, new RouteValueDictionary()));

    private static string KeysDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? AppContext.BaseDirectory;
        return Path.Combine(directory, "console-keys");
    }

    // The one place a secret reaches the log, by design: the first start must tell the operator how to sign in.
    [LoggerMessage(LogLevel.Warning, "No admin password was configured. Sign in at /login as {Email} with the generated password {Password} (shown only this once; set Console__Admin__Password to choose your own).")]
    private static partial void LogGeneratedPassword(ILogger logger, string email, string password);
}
