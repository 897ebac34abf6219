using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Backup;
using WebhookConsole.Web.Components.Pages.Settings;

namespace WebhookConsole.Tests.Unit.Components;

public sealed class BackupNowTests : EngineComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<ConsoleBackups>();
    }

    [Fact]
    public async Task BackUpNow_WritesACopyThatOpens_AndSaysWhere()
    {
        var page = Render<BackupNow>();

        page.Find("[data-testid=back-up-now]").Click();

        var said = page.WaitForElement("[data-testid=backup-result]").TextContent;
        var directory = Services.GetRequiredService<ConsoleBackups>().Directory;
        var file = Assert.Single(Directory.GetFiles(directory, "console-*.db"));
        Assert.Contains(file, said);
        await using var copy = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM AdminUsers";
        Assert.NotNull(await command.ExecuteScalarAsync());
        Assert.StartsWith(Path.GetDirectoryName(Engine.DatabasePath)!, directory);
    }
}

/// <summary>On PostgreSQL the console makes no copies: the page says how to back the database up instead.</summary>
public sealed class BackupNowOnPostgresTests : EngineComponentTest
{
    protected override WebhookConsole.Engine.StoreProvider Provider => WebhookConsole.Engine.StoreProvider.PostgreSQL;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<ConsoleBackups>();
    }

    [Fact]
    public async Task SaysToUsePgDump_AndOffersNoCopy()
    {
        var page = Render<BackupNow>();

        Assert.Contains("pg_dump", page.Find("[data-testid=backup-postgres]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=back-up-now]"));
        var backups = Services.GetRequiredService<ConsoleBackups>();
        Assert.Empty(backups.List());
        var refused = await Assert.ThrowsAsync<WebhookConsole.Engine.Persistence.BackupException>(() => backups.BackUpNowAsync());
        Assert.Contains("pg_dump", refused.Message);
    }
}
