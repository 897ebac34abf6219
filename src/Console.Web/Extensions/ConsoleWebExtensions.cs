using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using MudBlazor.Services;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Access;
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
using WebhookConsole.Web.Observability;

namespace WebhookConsole.Web.Extensions;

/// <summary>The web app's two doors: <see cref="AddConsoleWeb"/> registers everything, <see cref="MapConsole"/> maps it.</summary>
public static partial class ConsoleWebExtensions
{
    /// <summary>Policy for the API: an API key with a scope that allows the request, or a signed-in person (changes: an admin).</summary>
    public const string ApiPolicy = "api";
    /// <summary>Policy for the live hub: a signed-in person, or an API key with scope read or full.</summary>
    public const string HubPolicy = "hub";
    /// <summary>Policy for changes made in the UI: only an admin.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Registers the engine, sign-in, API, OpenAPI and the Blazor admin UI.</summary>
    public static WebApplicationBuilder AddConsoleWeb(this WebApplicationBuilder builder)
    {
        // Static web assets (MudBlazor's CSS and JS) are read from the build's manifest in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        UseTopLevelSettings(builder.Configuration, builder.Environment.ContentRootPath);
        var config = builder.Configuration;
        var provider = config.GetValue("Store:Provider", StoreProvider.Sqlite);
        var connectionString = provider == StoreProvider.Sqlite
            ? ResolveDatabasePath(config.GetConnectionString("Console") ?? "Data Source=console.db", builder.Environment.ContentRootPath)
            : config.GetConnectionString("Console") ?? "";
        builder.Services.AddWebhookEngine(o =>
        {
            o.StoreProvider = provider;
            o.ConnectionString = connectionString;
            o.NodeName = config["Store:NodeName"] is { Length: > 0 } node ? node : o.NodeName;
            o.LeaseDuration = config.GetValue("Store:LeaseDuration", o.LeaseDuration);
            o.BootstrapApiKey = config["Console:ApiKeys:Bootstrap"];
            o.AllowHttp = config.GetValue("Webhooks:AllowHttp", false);
            o.AllowPrivateNetworks = config.GetValue("Webhooks:AllowPrivateNetworks", false);
            o.MaxConcurrentAttempts = config.GetValue("Webhooks:MaxConcurrentAttempts", o.MaxConcurrentAttempts);
            o.MaxConcurrentPerEndpoint = config.GetValue("Webhooks:MaxConcurrentPerEndpoint", o.MaxConcurrentPerEndpoint);
            o.RetryJitter = config.GetValue("Webhooks:RetryJitter", o.RetryJitter);
            o.AutoDisableAfter = config.GetValue("Webhooks:AutoDisableAfter", o.AutoDisableAfter);
            o.ShutdownGrace = config.GetValue("Webhooks:ShutdownGrace", o.ShutdownGrace);
            o.MetricsWebhookIdTag = config.GetValue("Metrics:WebhookIdTag", false);
        });
        // The host waits for the dispatcher's grace period (in-flight attempts finish or go back to pending) and a little more.
        var grace = config.GetValue("Webhooks:ShutdownGrace", TimeSpan.FromSeconds(10));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        builder.Services.AddSingleton<DeliveryFeed>();
        // This node's live feed; on PostgreSQL the cluster also tells the other nodes, and brings their attempts here.
        builder.Services.AddSingleton<IDeliveryObserver>(sp => sp.GetRequiredService<ICluster>().Share(sp.GetRequiredService<DeliveryFeed>()));
        builder.AddConsoleInbound();
        builder.Services.AddSingleton<SessionLogFeed>();
        builder.Services.AddSingleton<WebhookConsole.Engine.Sessions.ISessionLogObserver>(sp => sp.GetRequiredService<SessionLogFeed>());
        builder.Services.AddSignalR();
        builder.Services.AddOptions<ConsoleAdminOptions>().BindConfiguration("Console:Admin")
            .Validate(o => o.Email.Contains('@'), "Console:Admin:Email must be an email address, e.g. admin@example.com.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AdminAccountService>();
        builder.Services.AddSingleton<TeamService>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddOptions<SignInOptions>().BindConfiguration("SignIn")
            .Validate(o => o.FailuresBeforeDelay >= 1 && o.RateLimitPerMinute >= 1 && o.IdleTimeout > TimeSpan.Zero && o.RevalidateEvery > TimeSpan.Zero,
                "SignIn: FailuresBeforeDelay and RateLimitPerMinute must be at least 1, IdleTimeout and RevalidateEvery longer than zero.")
            .ValidateOnStart();
        builder.Services.AddConsoleDataProtection(provider, connectionString, provider == StoreProvider.Sqlite ? null : KeyCertificate(config));

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/access-denied"; // a viewer who opened an admins-only page by its address
                o.Cookie.Name = "webhookconsole.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Idle sign-out: the cookie lives SignIn:IdleTimeout past the last request (sliding), and an open page reports
                // its person's activity with requests of its own (SessionActivity), so working on one page keeps it alive.
                var idleTimeout = config.GetValue("SignIn:IdleTimeout", TimeSpan.FromHours(8));
                o.ExpireTimeSpan = idleTimeout;
                o.SlidingExpiration = true;
                // A changed password, a reset, a new role or a removal ends every sign-in at its next request; so does being idle.
                o.Events.OnValidatePrincipal = async context =>
                {
                    if (context.Principal is not { } principal)
                        return;
                    var services = context.HttpContext.RequestServices;
                    var activity = services.GetRequiredService<SessionActivity>();
                    if (activity.IdleFor(principal) >= idleTimeout ||
                        !await services.GetRequiredService<SignInService>().IsCurrentAsync(principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                        return;
                    }
                    activity.Touch(principal);
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            // The sign-in cookie is SameSite=Lax, so another site cannot make a browser send it with a POST, PUT or DELETE.
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, CookieAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().AddRequirements(new ApiScopeRequirement()))
            .AddPolicy(HubPolicy, p => p.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().AddRequirements(new ApiScopeRequirement()))
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ApiScopeHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiScopeResultHandler>();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingSignInStateProvider>();
        builder.Services.AddSingleton<SessionActivity>();
        builder.Services.AddSignInRateLimit(config.GetValue("SignIn:RateLimitPerMinute", 20));
        builder.Services.AddAntiforgery();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<StoreFullHandler>();
        // Unreadable bodies throw, so BadRequestHandler can say what was wrong (minimal APIs answer a bare 400 otherwise).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddConsoleHealthChecks();
        builder.Services.AddSingleton<WebhookConsole.Web.Backup.ConsoleBackups>();
        builder.Services.AddOptions<WebhookConsole.Engine.Retention.RetentionOptions>().BindConfiguration("Retention");
        builder.AddConsoleObservability();
        builder.Services.AddConsoleOpenApi();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
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
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        if (!app.Environment.IsDevelopment())
            app.UseHsts(); // only ever sent over HTTPS
        // API paths answer unmatched routes and bare error statuses with problem+json; pages keep their own handling.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), a => a.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapConsoleHealth();
        app.MapConsoleMetrics();
        app.MapOpenApi().AllowAnonymous();
        app.MapConsoleApi();
        app.MapInboundReceiver();
        app.MapAccountEndpoints();
        app.MapHub<DeliveriesHub>("/hubs/deliveries").RequireAuthorization(HubPolicy);
        // Our Content-Security-Policy (SecurityHeaders) says frame-ancestors 'none': Blazor's own, weaker header is not added.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapFallbacks();
        return app;
    }

    // The settings file is the repository's top-level appsettings.json, which the build copies beside the app. Under
    // `dotnet run` the content root is the project folder, which has none: read the copy beside the app instead, in the
    // same place among the sources, so appsettings.{Environment}.json, environment variables and arguments still override it.
    internal static void UseTopLevelSettings(ConfigurationManager config, string contentRoot)
    {
        const string file = "appsettings.json";
        if (File.Exists(Path.Combine(contentRoot, file)) || !File.Exists(Path.Combine(AppContext.BaseDirectory, file)))
            return;
        var sources = config.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: file } json)
            {
                sources[i] = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
                {
                    Path = file, Optional = json.Optional, ReloadOnChange = json.ReloadOnChange,
                    FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
                };
                return;
            }
        }
    }

    // "Data Source=console.db" means beside the content root (the project folder under `dotnet run`), not the current directory.
    internal static string ResolveDatabasePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        return builder.ToString();
    }

    // API paths that no endpoint took answer problem+json (ApiFallback); unknown pages send a signed-out visitor to sign in, and show "not found" otherwise.
    private static void MapFallbacks(this WebApplication app)
    {
        app.MapApiFallback();
        app.MapFallback((HttpContext context) => new RazorComponentResult<NotFoundPage>(new { Path = context.Request.Path.Value ?? "" })
        {
            StatusCode = StatusCodes.Status404NotFound,
        }).RequireAuthorization();
    }

    /// <summary>
    /// Data Protection as every console process has it, so that what one protects (sign-in cookies, stored secrets) another on the
    /// same store can read: keys under one application name, kept with the store so they survive restarts: beside the SQLite file,
    /// or in the PostgreSQL database, where every node finds the same keys, encrypted with the <paramref name="certificate"/> they all have.
    /// </summary>
    public static IDataProtectionBuilder AddConsoleDataProtection(this IServiceCollection services, StoreProvider provider, string connectionString,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var protection = services.AddDataProtection().SetApplicationName("WebhookConsole");
        if (provider == StoreProvider.Sqlite)
            return protection.PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(connectionString)));
        ArgumentNullException.ThrowIfNull(certificate);
        return protection.PersistKeysToDbContext<ConsoleDbContext>().ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>
    /// The certificate that encrypts the Data Protection keys in a PostgreSQL store (<c>DataProtection:CertificatePath</c>, a PFX with
    /// its private key, and <c>DataProtection:CertificatePassword</c>); every node needs the same one. Without it the console does
    /// not start: keys in a shared database must not lie there in the clear.
    /// </summary>
    internal static System.Security.Cryptography.X509Certificates.X509Certificate2 KeyCertificate(IConfiguration config)
    {
        var path = config["DataProtection:CertificatePath"];
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException(
                "With Store:Provider=PostgreSQL, DataProtection:CertificatePath must name a PFX file (with its private key; the same on every node) " +
                "that encrypts the Data Protection keys in the database. README → Scale-out shows how to make one with openssl.");
        try
        {
            return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, config["DataProtection:CertificatePassword"]);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath names '{path}', which could not be read as a PFX with DataProtection:CertificatePassword: {e.Message}", e);
        }
    }

    internal static string KeysDirectory(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? AppContext.BaseDirectory;
        return Path.Combine(directory, "console-keys");
    }

    // The one place a secret reaches the log, by design: the first start must tell the operator how to sign in.
    [LoggerMessage(LogLevel.Warning, "No admin password was configured. Sign in at /login as {Email} with the generated password {Password} (shown only this once; set Console__Admin__Password to choose your own).")]
    private static partial void LogGeneratedPassword(ILogger logger, string email, string password);
}
