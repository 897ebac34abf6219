using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>Sign-in that resists guessing, scoped API keys and the security headers, over real HTTP against the real console.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TeamAccessApiTests
{
    [Fact]
    public async Task SixthWrongPassword_Waits_AndAnUnknownEmailAnswersAlike()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(new Dictionary<string, string> { ["SignIn__RateLimitPerMinute"] = "100" });
        using var form = new SignInForm(app.BaseAddress);

        async Task<(TimeSpan Took, HttpStatusCode Status, string Body)> TryAsync(string email)
        {
            var watch = Stopwatch.StartNew();
            using var response = await form.PostAsync(email, "not-the-password");
            return (watch.Elapsed, response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var known = new List<(TimeSpan Took, HttpStatusCode Status, string Body)>();
        var unknown = new List<(TimeSpan Took, HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 6; i++)
        {
            known.Add(await TryAsync(ConsoleApp.AdminEmail));
            unknown.Add(await TryAsync("nobody@example.com"));
        }

        // The first five answer at once; the sixth waits (at least the first step of one second), for both alike.
        Assert.True(known[5].Took >= TimeSpan.FromSeconds(1), $"the 6th wrong password took {known[5].Took.TotalMilliseconds:0} ms");
        Assert.True(unknown[5].Took >= TimeSpan.FromSeconds(1), $"the 6th try of an unknown email took {unknown[5].Took.TotalMilliseconds:0} ms");
        Assert.All(known.Concat(unknown), t =>
        {
            Assert.Equal(HttpStatusCode.OK, t.Status); // the form again, with the message
            Assert.Contains("That email and password do not match an account.", t.Body);
        });
        // Every try is in the audit log with the address it came from, for the account and the unknown email alike.
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "console.db")};Mode=ReadOnly");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT TargetName, Changes FROM AuditEntries WHERE Action = 'sign_in.failed'";
        var rows = new List<(string Name, string Changes)>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal(6, rows.Count(r => r.Name == ConsoleApp.AdminEmail));
        Assert.Equal(6, rows.Count(r => r.Name == "nobody@example.com"));
        Assert.All(rows, r => Assert.Contains("127.0.0.1", r.Changes));
    }

    [Fact]
    public async Task TheSignInForm_HasAPerAddressLimit_429WithRetryAfter()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(new Dictionary<string, string> { ["SignIn__RateLimitPerMinute"] = "3" });
        using var form = new SignInForm(app.BaseAddress);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
            answers.Add(await form.PostAsync("someone-" + i + "@example.com", "guess"));

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var refused = answers[3];
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        foreach (var a in answers) a.Dispose();
    }
}
