using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Web.Extensions;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>The whole web app in this process, on a free 127.0.0.1 port with its own SQLite file: for tests that need its services too.</summary>
public sealed class InProcessConsole : IAsyncDisposable
{
    public const string ApiKey = "wc_unit_inprocess_key_0123456789abcdef";
    private readonly DirectoryInfo _directory;

    private InProcessConsole(WebApplication app, DirectoryInfo directory)
    {
        App = app;
        _directory = directory;
    }

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;
    public string DataDirectory => _directory.FullName;

    /// <summary>Builds, initialises and starts the console; <paramref name="configure"/> may add services (an exporter, a clock).</summary>
    public static async Task<InProcessConsole> StartAsync(Action<IServiceCollection>? configure = null, params string[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("wc-inproc-");
        string[] args =
        [
            "--ConnectionStrings:Console=Data Source=" + Path.Combine(directory.FullName, "console.db"),
            "--Console:ApiKeys:Bootstrap=" + ApiKey,
            "--Console:Admin:Password=unit-password-Secret-1",
            "--Webhooks:AllowHttp=true",
            "--Webhooks:AllowPrivateNetworks=true",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => "--" + s),
        ];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "WebhookConsole.Web" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddConsoleWeb();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        await app.InitializeConsoleAsync();
        app.MapConsole();
        await app.StartAsync();
        return new InProcessConsole(app, directory);
    }

    /// <summary>An HTTP client for the console with the bootstrap API key (or none).</summary>
    public HttpClient Client(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = new Uri(App.Urls.First().TrimEnd('/') + "/") };
        if (withKey)
            client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { _directory.Delete(recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
