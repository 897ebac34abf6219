using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using WebhookConsole.Web.Extensions;

namespace WebhookConsole.Tests.Unit.Web;

public sealed class ContainerTests
{
    [Fact]
    public async Task WholeContainer_Builds_WithScopeAndBuildValidation()
    {
        var directory = Directory.CreateTempSubdirectory("wc-container-");
        var builder = WebApplication.CreateBuilder(["--ConnectionStrings:Console=Data Source=" + Path.Combine(directory.FullName, "c.db")]);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.AddConsoleWeb();

        await using var app = builder.Build();

        Assert.NotNull(app.Services.GetService(typeof(WebhookConsole.Engine.Catalog.EventCatalog)));
        directory.Delete(recursive: true);
    }
}
