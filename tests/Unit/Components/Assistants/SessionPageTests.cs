using System.Text.Json.Nodes;
using Bunit;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Web.Components.Pages.Sessions;

namespace WebhookConsole.Tests.Unit.Components.Assistants;

public sealed class SessionPageTests : AssistantComponentTest
{
    private async Task<SessionLogEntry> LogAsync(Guid sessionId, string action, int status) =>
        await Engine.Get<SessionService>().AddLogEntryAsync(new SessionLogEntry
        {
            SessionId = sessionId, ActionName = action, At = Engine.Time.GetUtcNow(), Method = "POST", Url = "https://api.example.com/x",
            Sent = true, StatusCode = status, ResponseBody = """{"ok": true}""", VariablesUsed = """{"plan": "pro"}""", DurationMs = 42,
        });

    [Fact]
    public async Task Logs_ShowTheCallsNewestFirst_AndANewOneAppearsLive()
    {
        var assistant = await Engine.Get<AssistantService>().CreateAsync("Bot", Admin);
        var session = await Engine.Get<SessionService>().CreateAsync(assistant.Id, new JsonObject { ["plan"] = "pro" }, null);
        await LogAsync(session.Id, "First call", 200);
        await LogAsync(session.Id, "Second call", 500);

        var page = Render<SessionPage>(p => p.Add(x => x.Id, session.Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr [data-log-entry-id]").Count));
        var rows = page.FindAll("tr [data-log-entry-id]").Select(e => e.Closest("tr")!).ToList();
        Assert.Contains("Second call", rows[0].TextContent);
        Assert.Contains("HTTP 500", rows[0].TextContent);
        Assert.Contains("First call", rows[1].TextContent);

        var third = await LogAsync(session.Id, "Third call", 201);
        LogFeed.EntryAdded(new SessionLogAdded(third.Id, session.Id, null, third.ActionName, 201, 42, third.At, null));

        page.WaitForAssertion(() => Assert.Contains("Third call", page.FindAll("tr [data-log-entry-id]")[0].Closest("tr")!.TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void UnknownSession_SaysSo() =>
        Assert.Contains("This session does not exist", Render<SessionPage>(p => p.Add(x => x.Id, Guid.NewGuid())).WaitForElement("[data-testid=empty-state]").TextContent);
}
