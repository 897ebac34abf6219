using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OpenTelemetry.Trace;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Web;

public sealed class TracingTests
{
    [Fact]
    public async Task PublishRetryAndSuccess_AreOneTrace_AndEachRequestCarriesItsTraceparent()
    {
        var spans = new LockedCollection<Activity>();
        await using var console = await InProcessConsole.StartAsync(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (n, c) =>
        {
            c.Response.StatusCode = n == 1 ? 500 : 200;
            return Task.CompletedTask;
        };
        using var client = console.Client();
        var created = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "traced", url = receiver.Url, events = new[] { "ticket.created" }, retrySchedule = new[] { 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The console's ActivitySource is process-wide and other tests publish too: find this test's spans by its event id and trace.
        var eventId = "evt_trace_" + Guid.NewGuid().ToString("N");
        var published = await client.PostAsJsonAsync("api/v1/events", new { type = "ticket.created", id = eventId, data = new { ticket_id = "T-7" } });
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
        var publish = await WaitForAsync(spans, a => a.GetTagItem("webhook_console.event.id") as string == eventId, 1);
        var trace = publish[0].TraceId;
        var attempts = await WaitForAsync(spans, a => a.DisplayName == "deliver ticket.created" && a.TraceId == trace, 2);

        var server = spans.Snapshot().Single(a => a.SpanId == publish[0].ParentSpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal("/api/v1/events", server.GetTagItem("url.path"));
        Assert.Equal(trace, server.TraceId);
        Assert.All(attempts, a => Assert.Equal(publish[0].SpanId, a.ParentSpanId));   // the retry, a second later, is a child of the publish too
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.OrderBy(a => a.StartTimeUtc).Select(a => a.Status));
        var sent = receiver.Requests.Select(r => r.Headers["traceparent"]).ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, header => Assert.Equal(trace.ToHexString(), header.Split('-')[1]));
    }

    [Fact]
    public async Task AnInboundRequest_ItsMapping_AndTheDeliveriesItCaused_AreOneTrace()
    {
        var spans = new LockedCollection<Activity>();
        await using var console = await InProcessConsole.StartAsync(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        await using var receiver = await TestReceiver.StartAsync();
        using var client = console.Client();
        var webhook = await client.PostAsJsonAsync("api/v1/webhooks", new
        {
            name = "contacts", url = receiver.Url, events = new[] { "contact.created" }, retrySchedule = new[] { 1 }, timeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        var mapping = await client.PostAsJsonAsync("api/v1/mappings", new
        {
            name = "traced lead", fields = new[] { new { source = "lead.name", target = "contact.name" }, new { source = "lead.phone", target = "contact.phone" } },
        });
        Assert.Equal(HttpStatusCode.Created, mapping.StatusCode);
        var mappingId = (await mapping.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        var inbound = await client.PostAsJsonAsync("api/v1/inbound", new { name = "traced inbound", mappingId });
        Assert.Equal(HttpStatusCode.Created, inbound.StatusCode);
        var url = new Uri((await inbound.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("url").GetString()!);

        var phone = "+4915" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        using var sender = console.Client(withKey: false);
        var received = await sender.PostAsJsonAsync(url.PathAndQuery.TrimStart('/'), new { lead = new { name = "Traced Lead", phone } });
        Assert.Equal(HttpStatusCode.Accepted, received.StatusCode);
        var requestId = (await received.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));

        // The request's own server span, found by its path; everything below it is found by its trace and its parent.
        var server = (await WaitForAsync(spans, a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") as string == url.AbsolutePath, 1))[0];
        var trace = server.TraceId;
        var processing = (await WaitForAsync(spans, a => a.DisplayName == "process inbound request" && a.TraceId == trace, 1))[0];
        Assert.Equal(server.SpanId, processing.ParentSpanId);
        Assert.Equal(requestId, processing.GetTagItem("webhook_console.inbound.request_id"));
        var mapped = (await WaitForAsync(spans, a => a.DisplayName == "apply mapping traced lead" && a.TraceId == trace, 1))[0];
        Assert.Equal(processing.SpanId, mapped.ParentSpanId);
        Assert.Equal(Guid.Parse(mappingId!), mapped.GetTagItem("webhook_console.mapping.id"));
        var publish = (await WaitForAsync(spans, a => a.DisplayName == "publish contact.created" && a.TraceId == trace, 1))[0];
        Assert.Equal(processing.SpanId, publish.ParentSpanId);
        var attempt = (await WaitForAsync(spans, a => a.DisplayName == "deliver contact.created" && a.TraceId == trace, 1))[0];
        Assert.Equal(publish.SpanId, attempt.ParentSpanId);
        // The receiver's request carries the same trace: the sender's request → the receiver, end to end.
        var sent = Assert.Single(receiver.Requests);
        Assert.Contains(phone, sent.Text);
        Assert.Equal(trace.ToHexString(), sent.Headers["traceparent"].Split('-')[1]);
    }

    private static async Task<IReadOnlyList<Activity>> WaitForAsync(LockedCollection<Activity> spans, Func<Activity, bool> match, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var found = spans.Snapshot().Where(match).ToList();
            if (found.Count >= count || deadline.Elapsed > TimeSpan.FromSeconds(20))
                return found.Count == count ? found : throw new Xunit.Sdk.XunitException($"expected {count} spans, found {found.Count}");
            await Task.Delay(50);
        }
    }

    // The exporter adds from whichever thread ends a span; reads take a copy.
    private sealed class LockedCollection<T> : Collection<T>
    {
        private readonly Lock _gate = new();
        protected override void InsertItem(int index, T item) { lock (_gate) base.InsertItem(index, item); }
        public IReadOnlyList<T> Snapshot() { lock (_gate) return [.. Items]; }
    }
}
