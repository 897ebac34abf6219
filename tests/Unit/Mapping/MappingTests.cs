using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Mapping;

/// <summary>Saving mappings, and seed 004's outbound side: a webhook that uses a mapping gets only the mapped fields.</summary>
public sealed class MappingTests : IAsyncLifetime
{
    private TestEngine _engine = default!;
    private TestReceiver _receiver = default!;
    private MappingService Mappings => _engine.Get<MappingService>();

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        _receiver = await TestReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task Save_RefusesBadTargetsAndPaths_NamingEachProblem()
    {
        var error = await Assert.ThrowsAsync<MappingValidationException>(() => Mappings.CreateAsync(new MappingInput("bad",
        [
            new("payload..name", "contact.name"),
            new("payload.a", "contact.nickname"),
            new("payload.b", "lead name"),
            new("payload.c", "lead"),
            new("payload.d", "lead.phone"),
        ], "no.such.event"), "test"));

        var problems = error.Errors["fields"];
        Assert.Contains(problems, p => p.Contains("dot with no name"));
        Assert.Contains(problems, p => p.Contains("'contact.nickname' is not a contact field"));
        Assert.Contains(problems, p => p.Contains("'lead name' is not a target name"));
        Assert.Contains(problems, p => p.Contains("'lead' and 'lead.phone' cannot both be targets"));
        Assert.Contains("no.such.event", error.Errors["eventType"][0]);
        Assert.Empty(await Mappings.ListAsync());
    }

    [Fact]
    public async Task Save_StoresTheCanonicalEventType_AndTheSample()
    {
        var saved = await Mappings.CreateAsync(new MappingInput(" Leads ", [new("payload.people_detail.email", "contact.email")], "CREATE_LEAD", Seed004.Lead), "ana");

        var read = await Mappings.GetAsync(saved.Id);
        Assert.Equal(("Leads", "lead.created"), (read!.Name, read.EventType));
        Assert.Equal(Seed004.Lead, read.SampleJson);
        await using var db = _engine.Db();
        Assert.Equal("mapping.created", (await db.AuditEntries.SingleAsync()).Action);
    }

    [Fact]
    public void Suggest_GuessesContactFields_FromTheLastName()
    {
        Assert.Equal("contact.name", MappingTargets.Suggest("payload.people_detail.name"));
        Assert.Equal("contact.phone", MappingTargets.Suggest("payload.people_detail.mobile_number"));
        Assert.Equal("contact.email", MappingTargets.Suggest("payload.people_detail.email"));
        Assert.Equal("pincode", MappingTargets.Suggest("payload.people_detail.pincode"));
        Assert.Equal("date", MappingTargets.Suggest("payload.meta[0].date"));
        Assert.Equal("content-type", MappingTargets.Suggest("headers.content-type"));
        Assert.Null(MappingTargets.Problem(MappingTargets.Suggest("a[\"x y\"]")));
    }

    [Fact]
    public async Task OutboundWebhookWithAMapping_ReceivesOnlyTheMappedFields_Renamed_AndSigned()
    {
        var mapping = await Mappings.CreateAsync(new MappingInput("CRM shape",
        [
            new("data.name", "customer.full_name"), new("data.phone", "customer.mobile"), new("event", "kind"),
        ]), "test");
        var subscriptions = _engine.Get<SubscriptionService>();
        var (mapped, secret) = await subscriptions.CreateAsync(new SubscriptionInput("crm", _receiver.Url, ["contact.created"], MappingId: mapping.Id), "test");
        await subscriptions.CreateAsync(new SubscriptionInput("plain", _receiver.Url, ["contact.created"]), "test");

        await _engine.Get<EventPublisher>().PublishAsync("contact.created",
            new JsonObject { ["id"] = "c1", ["name"] = "Ana López", ["phone"] = "+521234567890", ["email"] = "ana@example.com" });
        await AttemptAllAsync();

        var received = _receiver.Requests.ToList();
        var shaped = received.Single(r => !r.Text.Contains("\"event\""));
        Assert.Equal("""{"customer":{"full_name":"Ana López","mobile":"+521234567890"},"kind":"contact.created"}""", shaped.Text);
        Assert.Equal(WebhookSigner.HexSignature(secret, shaped.Body), shaped.Headers["X-Webhook-Signature"]);
        var plain = received.Single(r => r.Text.Contains("\"event\""));
        Assert.Equal("ana@example.com", JsonNode.Parse(plain.Text)!["data"]!["email"]!.GetValue<string>());
        Assert.Equal(mapping.Id, (await subscriptions.GetAsync(mapped.Id))!.MappingId);
    }

    [Fact]
    public async Task SendTest_OfAWebhookWithAMapping_SendsTheMappedShape()
    {
        var mapping = await Mappings.CreateAsync(new MappingInput("CRM shape", [new("data.name", "customer.full_name"), new("event", "kind")]), "test");
        var (mapped, _) = await _engine.Get<SubscriptionService>().CreateAsync(
            new SubscriptionInput("crm", _receiver.Url, ["contact.created"], MappingId: mapping.Id), "test");

        var result = await _engine.Get<WebhookConsole.Engine.Delivery.TestDelivery>().SendAsync(mapped.Id, null);

        Assert.True(result!.Attempt!.Succeeded);
        var example = _engine.Get<WebhookConsole.Engine.Catalog.EventCatalog>().All.Single(t => t.Type == "contact.created").Example;
        Assert.Equal($$"""{"customer":{"full_name":"{{example["name"]}}"},"kind":"contact.created"}""", Assert.Single(_receiver.Requests).Text);
    }

    [Fact]
    public async Task UnknownMappingId_IsRefused_AndDeletingAMapping_UnmapsItsWebhooks()
    {
        var subscriptions = _engine.Get<SubscriptionService>();
        var unknown = await Assert.ThrowsAsync<SubscriptionValidationException>(() =>
            subscriptions.CreateAsync(new SubscriptionInput("crm", _receiver.Url, ["contact.created"], MappingId: Guid.NewGuid()), "test"));
        Assert.Contains("There is no mapping", unknown.Errors["mappingId"][0]);

        var mapping = await Mappings.CreateAsync(new MappingInput("m", [new("data.name", "name")]), "test");
        var (subscription, _) = await subscriptions.CreateAsync(new SubscriptionInput("crm", _receiver.Url, ["contact.created"], MappingId: mapping.Id), "test");
        var inbound = await _engine.Get<InboundWebhookService>().CreateAsync(new InboundInput("in", MappingId: mapping.Id), "test");

        Assert.True(await Mappings.DeleteAsync(mapping.Id, "test"));

        Assert.Null((await subscriptions.GetAsync(subscription.Id))!.MappingId);
        Assert.Null((await _engine.Get<InboundWebhookService>().GetAsync(inbound.Id))!.MappingId);
    }

    private async Task AttemptAllAsync()
    {
        List<Guid> ids;
        await using (var db = _engine.Db())
        {
            var due = await db.Deliveries.Where(d => d.State == DeliveryState.Pending).ToListAsync();
            due.ForEach(DeliveryTransitions.Start);
            await db.SaveChangesAsync();
            ids = due.Select(d => d.Id).ToList();
        }
        foreach (var id in ids)
            await _engine.Get<DeliveryWorker>().AttemptAsync(id, CancellationToken.None);
    }
}
