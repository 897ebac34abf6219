using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Radzen;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Tests.Unit.Fakes;
using WebhookConsole.Web.Components.Pages;

namespace WebhookConsole.Tests.Unit.Components;

public sealed class AuditLogPageTests : BunitContext, IAsyncLifetime
{
    private TestEngine _engine = default!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        Services.AddRadzenComponents();
        Services.AddSingleton(_engine.Get<AuditLog>());
        JSInterop.Mode = JSRuntimeMode.Loose;
        AddAuthorization().SetAuthorized("ana@example.com");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task ListsEntries_NewestFirst()
    {
        var keys = _engine.Get<ApiKeyService>();
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
