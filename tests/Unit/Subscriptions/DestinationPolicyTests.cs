using System.Net;
using Microsoft.Extensions.Options;
using WebhookConsole.Engine;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Tests.Unit.Subscriptions;

public sealed class DestinationPolicyTests
{
    private static DestinationPolicy Defaults() => new(Options.Create(new WebhookEngineOptions()));

    [Theory]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://169.254.169.254/latest/meta-data", "cloud metadata")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://192.168.0.10/hook", "private")]
    [InlineData("https://172.20.0.1/hook", "private")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://[fd00::1]/hook", "private")]
    [InlineData("https://localhost:8443/hook", "loopback")]
    public void CheckUrl_RefusesPrivateDestinations_ByDefault_AndSaysWhy(string url, string reason)
    {
        var problem = Defaults().CheckUrl(url);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
        Assert.Contains("Webhooks:AllowPrivateNetworks", problem);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data", "cloud metadata")]
    [InlineData("http://example.com/hook", "must use https")]
    public void CheckUrl_RefusesPlainHttp_ByDefault_NamingAPrivateAddressFirst(string url, string reason) =>
        Assert.Contains(reason, Defaults().CheckUrl(url));

    [Fact]
    public void CheckUrl_AcceptsPublicHttps_AndTheSettingsOpenTheRest()
    {
        Assert.Null(Defaults().CheckUrl("https://hooks.example.com/in"));
        var open = new DestinationPolicy(Options.Create(new WebhookEngineOptions { AllowHttp = true, AllowPrivateNetworks = true }));
        Assert.Null(open.CheckUrl("http://127.0.0.1:5000/hook"));
    }

    [Theory]
    [InlineData("ftp://example.com/x")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@example.com/hook")]
    public void CheckUrl_RefusesWhatIsNotAnHttpsUrl(string url) => Assert.NotNull(Defaults().CheckUrl(url));

    [Fact]
    public void Classify_KnowsPublicAddresses() => Assert.Null(DestinationPolicy.Classify(IPAddress.Parse("93.184.216.34")));
}
