using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.Data.Sqlite;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary><c>WebhookConsole.Web backup &lt;file&gt;</c> against a running console's store.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BackupCommandTests
{
    [Fact]
    public async Task BackupCommand_CopiesTheRunningConsolesStore_AndItsKeys()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync();
        using var client = app.Client();
        var webhook = await client.PostAsJsonAsync("api/v1/webhooks", new { name = "nobody", url = "http://127.0.0.1:9/", events = new[] { "ticket.created" } });
        Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { i } })).StatusCode);
        var target = Path.Combine(app.DataDirectory, "backups", "copy.db");

        var (exit, output) = await RunAsync(app, "backup", target);

        Assert.True(exit == 0, output);
        Assert.Contains("Backed up the store", output);
        Assert.NotEmpty(Directory.GetFiles(target + ".keys", "key-*.xml"));
        await using var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var count = copy.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Deliveries WHERE EventType = 'ticket.created'";
        Assert.Equal(20L, (long)(await count.ExecuteScalarAsync())!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode); // the console ran on meanwhile

        var (again, refused) = await RunAsync(app, "backup", target);
        Assert.Equal(1, again);
        Assert.Contains("already exists", refused);
    }

    private static async Task<(int Exit, string Output)> RunAsync(ConsoleApp app, params string[] args)
    {
        var directory = typeof(ConsoleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ConsoleWebDirectory").Value!;
        var start = new ProcessStartInfo(Path.Combine(directory, "WebhookConsole.Web"), args)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Console"] = $"Data Source={Path.Combine(app.DataDirectory, "console.db")}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
