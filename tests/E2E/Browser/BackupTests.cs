using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using WebhookConsole.Engine.Access;
using WebhookConsole.Tests.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookConsole.Tests.E2E.Browser;

/// <summary>Settings → Backup in a real browser: an admin backs up the running console; a viewer neither sees it nor gets in.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BackupTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task AnAdmin_BacksUpFromSettings_AndSeesTheFileAndItsSize()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("login");
        await page.SignInAsync();
        await page.WaitForCircuitAsync();

        await page.GetByTestId("nav-backup").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Backup", Exact = true })).ToBeVisibleAsync();
        await page.WaitForCircuitAsync();
        await page.GetByTestId("back-up-now").ClickAsync();

        var result = page.GetByTestId("backup-result");
        await Expect(result).ToBeVisibleAsync();
        var file = await page.GetByTestId("backup-file").TextContentAsync();
        Assert.StartsWith(Path.Combine(fixture.App.DataDirectory, "backups", "console-"), file);
        Assert.True(File.Exists(file), $"the page names {file}, which is not there");
        await Expect(page.GetByTestId("backup-size")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? (KB|MB)$"));
        await Expect(page.GetByTestId("back-up-now")).ToBeEnabledAsync();
        await Expect(page.GetByTestId("backups")).ToContainTextAsync(Path.GetFileName(file!));
        await page.ScreenshotAsync("backup-01-done");

        // The copy is a store that opens, with the admin in it, and its keys beside it.
        await using var copy = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var query = copy.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM AdminUsers WHERE Email = $email";
        query.Parameters.AddWithValue("$email", ConsoleApp.AdminEmail);
        Assert.Equal(1L, await query.ExecuteScalarAsync());
        Assert.NotEmpty(Directory.GetFiles(file + ".keys"));
    }

    [Fact]
    public async Task AViewer_HasNoBackupEntry_AndCannotOpenThePage()
    {
        var (email, password) = await AddViewerAsync();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("login");
        await page.SignInAsync(email, password);
        await page.WaitForCircuitAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(email);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Event types" })).ToBeVisibleAsync(); // the Settings group is there
        await Expect(page.GetByTestId("nav-backup")).ToHaveCountAsync(0);

        await page.GotoAsync("settings/backup");
        await Expect(page.GetByTestId("viewer-refused")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("back-up-now")).ToHaveCountAsync(0);
    }

    // A viewer as Settings → Team would make one (that page is not built yet): a row in the store, password hashed as the console does.
    private async Task<(string Email, string Password)> AddViewerAsync()
    {
        var email = $"viewer-{Guid.NewGuid():N}@example.com";
        const string password = "viewer-password-Secret-1";
        var user = new AdminUser { Email = email, PasswordHash = "", Role = Roles.Viewer };
        user.PasswordHash = new PasswordHasher<AdminUser>().HashPassword(user, password);
        await using var db = new SqliteConnection($"Data Source={Path.Combine(fixture.App.DataDirectory, "console.db")};Pooling=False");
        await db.OpenAsync();
        await using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO AdminUsers (Id, Email, PasswordHash, Role, SecurityStamp, CreatedAt) VALUES ($id, $email, $hash, $role, $stamp, $at)";
        insert.Parameters.AddWithValue("$id", user.Id.ToString("D").ToUpperInvariant());
        insert.Parameters.AddWithValue("$email", email);
        insert.Parameters.AddWithValue("$hash", user.PasswordHash);
        insert.Parameters.AddWithValue("$role", Roles.Viewer);
        insert.Parameters.AddWithValue("$stamp", user.SecurityStamp);
        insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.UtcTicks);
        await insert.ExecuteNonQueryAsync();
        return (email, password);
    }
}
