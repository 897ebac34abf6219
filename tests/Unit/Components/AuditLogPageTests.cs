using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages;

namespace WebhookConsole.Tests.Unit.Components;

public sealed class AuditLogPageTests : EngineComponentTest
{

    [Fact]
    public async Task ListsEntries_NewestFirst()
    {
        var keys = Engine.Get<ApiKeyService>();
        var (first, _) = await keys.CreateAsync("first key", "ana@example.com");
        await keys.CreateAsync("second key", "bo@example.com");
        await keys.RevokeAsync(first.Id, "ana@example.com");

        var page = Render<AuditLogPage>();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr").Select(r => r.TextContent).ToList();
            Assert.Equal(3, rows.Count);
            Assert.Contains("api_key.revoked", rows[0]);
            Assert.Contains("second key", rows[1]);
            Assert.Contains("first key", rows[2]);
        });
    }
}
