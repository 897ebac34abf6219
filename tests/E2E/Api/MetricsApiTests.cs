using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebhookConsole.Tests.E2E.Infrastructure;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.E2E.Api;

/// <summary>The real console with <c>Metrics:Enabled</c>: <c>/metrics</c> in Prometheus text, behind an API key, and the health probes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class MetricsApiTests
{
    private static readonly Dictionary<string, string> MetricsOn = new() { ["Metrics__Enabled"] = "true" };

    [Fact]
    public async Task Metrics_CountEachStep_OfADeliveryThatFailsOnceThenSucceeds()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(MetricsOn);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (n, c) =>
        {
            c.Response.StatusCode = n == 1 ? 500 : 200;
            return Task.CompletedTask;
        };
        using var client = app.Client();
        var created = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "metrics receiver", url = receiver.Url, events = new[] { "ticket.created" }, retrySchedule = new[] { 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var published = await client.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", data = new { ticket_id = "T-9" } });
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));

        // The receiver has the second request a moment before the console records it: scrape until the success is counted.
        var text = await ScrapeUntilAsync(client, t => Value(t, "webhook_console_attempts_total", "outcome=\"succeeded\"") == 1);
        Assert.Equal(1, Value(text, "webhook_console_events_published_total", "event_type=\"ticket.created\""));
        Assert.Equal(1, Value(text, "webhook_console_deliveries_created_total", "event_type=\"ticket.created\""));
        Assert.Equal(1, Value(text, "webhook_console_attempts_total", "outcome=\"failed\"", "status_class=\"5xx\"", "event_type=\"ticket.created\""));
        Assert.Equal(1, Value(text, "webhook_console_attempts_total", "outcome=\"succeeded\"", "status_class=\"2xx\""));
        Assert.Equal(2, Value(text, "webhook_console_attempt_duration_seconds_count", "event_type=\"ticket.created\""));
        Assert.Equal(1, Value(text, "webhook_console_delivery_first_attempt_latency_seconds_count", "event_type=\"ticket.created\""));
        Assert.Equal(0, Value(text, "webhook_console_backlog", "state=\"retrying\""));
        Assert.Equal(1, Value(text, "webhook_console_webhooks", "health=\"healthy\""));
        Assert.Contains("# TYPE webhook_console_backlog_oldest_due_age_seconds gauge", text);
    }

    [Fact]
    public async Task Metrics_Answer401ProblemJson_WithoutAKey_UnlessAnonymousIsAllowed()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(MetricsOn);
        using var anonymous = app.Client(apiKey: null);

        var refused = await anonymous.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        // Scopes: a read key scrapes, a publish key is refused naming the scope it needs.
        using var full = app.Client();
        async Task<string> KeyAsync(string scope) => (await (await full.PostAsJsonAsync("api/v1/api-keys", new { name = scope, scope }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
        using var read = app.Client(await KeyAsync("read"));
        using var publish = app.Client(await KeyAsync("publish"));
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync("metrics")).StatusCode);
        var wrongScope = await publish.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Contains("scope 'read'", await wrongScope.Content.ReadAsStringAsync());
        await app.StopAsync(TimeSpan.FromSeconds(30));

        await app.StartAsync(new Dictionary<string, string>(MetricsOn) { ["Metrics__AllowAnonymous"] = "true" });
        using var again = app.Client(apiKey: null);
        var allowed = await again.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("webhook_console_backlog", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthProbes_AnswerHealthy_AndTheDocumentDescribesThem()
    {
        await using var app = new ConsoleApp();
        await app.StartAsync(MetricsOn);
        using var client = app.Client(apiKey: null);

        var live = await client.GetAsync("health/live");
        var ready = await client.GetFromJsonAsync<JsonElement>("health/ready");
        var document = await client.GetStringAsync("openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("dispatcher").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("backlog").GetProperty("status").GetString());
        Assert.Contains("\"/health/ready\"", document);
        Assert.Contains("\"/metrics\"", document);
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient client, Func<string, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            if (done(text) || deadline.Elapsed > TimeSpan.FromSeconds(20))
                return text;
            await Task.Delay(200);
        }
    }

    // The sum over the series of `name` whose labels include every one of `labels` (other labels, such as otel_scope_name, may be there too).
    private static double Value(string text, string name, params string[] labels) =>
        text.Split('\n').Select(l => SampleLine().Match(l)).Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex SampleLine();
}
