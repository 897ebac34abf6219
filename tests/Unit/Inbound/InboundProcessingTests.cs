using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookConsole.Engine.Contacts;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Subscriptions;
using WebhookConsole.Tests.Unit.Fakes;
using static WebhookConsole.Tests.Unit.Fakes.InboundHelpers;

namespace WebhookConsole.Tests.Unit.Inbound;

/// <summary>After the 202: mapping, contact upsert, events fanned out; and nothing lost or doubled across a crash.</summary>
public sealed class InboundProcessingTests : IAsyncLifetime
{
    private TestEngine _engine = default!;

    public async Task InitializeAsync() => _engine = await TestEngine.StartAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private Task<int> ProcessAsync() => _engine.Get<InboundProcessor>().ProcessPendingAsync();

    private async Task<InboundRequest> RequestAsync(Guid id)
    {
        await using var db = _engine.Db();
        return await db.Set<InboundRequest>().SingleAsync(r => r.Id == id);
    }

    private async Task<List<WebhookDelivery>> DeliveriesAsync()
    {
        await using var db = _engine.Db();
        return await db.Deliveries.OrderBy(d => d.CreatedAt).ToListAsync();
    }

    private async Task SubscribeAsync(params string[] events) =>
        await _engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("crm", "http://127.0.0.1:9/hook", events), "test");

    [Fact]
    public async Task Seed004Lead_UpsertsTheContact_AndPublishesContactCreated()
    {
        await SubscribeAsync("contact.created", "contact.updated");
        var mapping = await _engine.CreateLeadMappingAsync();
        var (webhook, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);

        var receipt = await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        Assert.Equal(1, await ProcessAsync());

        var request = await RequestAsync(receipt.RequestId!.Value);
        Assert.Equal(InboundProcessing.Processed, request.Processing);
        Assert.Equal("Created contact Prakash Mudhaliyar.", request.Result);
        var (contacts, _) = await _engine.Get<ContactService>().QueryAsync(null, 0, 10);
        var contact = Assert.Single(contacts);
        Assert.Equal(("Prakash Mudhaliyar", "+910987654321", "prakashm@athenabpo.in"), (contact.Name, contact.Phone, contact.Email));
        Assert.Equal("inbound: SaleAssist leads", contact.Source);
        Assert.Equal(webhook.Id, contact.SourceInboundId);
        Assert.Equal(contact.Id, request.ContactId);
        var delivery = Assert.Single(await DeliveriesAsync());
        Assert.Equal("contact.created", delivery.EventType);
        var data = JsonNode.Parse(delivery.Body)!["data"]!;
        Assert.Equal(contact.Id.ToString(), data["id"]!.GetValue<string>());
        Assert.Equal("+910987654321", data["phone"]!.GetValue<string>());
    }

    [Fact]
    public async Task SamePhoneAgain_UpdatesTheContact_AndPublishesContactUpdated_WithTheChangedFields()
    {
        await SubscribeAsync("contact.created", "contact.updated");
        var mapping = await _engine.CreateLeadMappingAsync(more: new MappedField("payload.people_detail.pincode", "contact.attributes.pincode"));
        var (_, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);
        var receiver = _engine.Get<InboundReceiver>();
        await receiver.ReceiveAsync(Post(token, Seed004.Lead));
        await ProcessAsync();

        var moved = Seed004.Lead.Replace("prakashm@athenabpo.in", "prakash@example.com").Replace("\"400615\"", "\"400601\"");
        var second = await receiver.ReceiveAsync(Post(token, moved));
        var same = await receiver.ReceiveAsync(Post(token, moved));
        await ProcessAsync();

        var contact = Assert.Single((await _engine.Get<ContactService>().QueryAsync(null, 0, 10)).Items);
        Assert.Equal("prakash@example.com", contact.Email);
        Assert.Equal([new ContactAttribute("pincode", "400601")], contact.Attributes);
        Assert.Equal(["contact.created", "contact.updated"], (await DeliveriesAsync()).Select(d => d.EventType));
        var updated = JsonNode.Parse((await DeliveriesAsync())[1].Body)!["data"]!["changed_fields"]!.AsArray().Select(f => f!.GetValue<string>());
        Assert.Equal(["email", "custom_fields.pincode"], updated);
        Assert.StartsWith("Updated contact Prakash Mudhaliyar (email, custom_fields.pincode)", (await RequestAsync(second.RequestId!.Value)).Result);
        Assert.Equal("Contact Prakash Mudhaliyar is unchanged.", (await RequestAsync(same.RequestId!.Value)).Result);
    }

    [Fact]
    public async Task MappingWithAnEventType_PublishesItWithTheNonContactFields()
    {
        await SubscribeAsync("lead.created");
        var mapping = await _engine.CreateLeadMappingAsync("CREATE_LEAD",
            new MappedField("payload.people_detail.product_category", "intent"), new MappedField("payload.source_name", "source"));
        var (_, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);

        await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        await ProcessAsync();

        var delivery = Assert.Single(await DeliveriesAsync());
        Assert.Equal("lead.created", delivery.EventType);
        Assert.Equal("""{"intent":"Water Purifier","source":"FNP Button test"}""", JsonNode.Parse(delivery.Body)!["data"]!.ToJsonString());
    }

    [Fact]
    public async Task NoMapping_KeepsTheRequestInTheLogOnly_AndProcessAgainUsesAMappingAddedLater()
    {
        var (webhook, token) = await _engine.CreateInboundAsync();
        var receipt = await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        await ProcessAsync();
        Assert.Equal(InboundProcessing.Unmapped, (await RequestAsync(receipt.RequestId!.Value)).Processing);

        var mapping = await _engine.CreateLeadMappingAsync();
        await _engine.Get<InboundWebhookService>().UpdateAsync(webhook.Id, new InboundInput(webhook.Name, MappingId: mapping.Id), "test");
        Assert.True(await _engine.Get<InboundRequestLog>().ReprocessAsync(receipt.RequestId!.Value));
        await ProcessAsync();

        Assert.Equal(InboundProcessing.Processed, (await RequestAsync(receipt.RequestId!.Value)).Processing);
        Assert.Single((await _engine.Get<ContactService>().QueryAsync(null, 0, 10)).Items);
    }

    [Fact]
    public async Task MappingWithoutPhoneOrEmail_FailsTheRequest_SayingWhat()
    {
        var mapping = await _engine.Get<MappingService>().CreateAsync(new MappingInput("names only", [new("payload.people_detail.name", "contact.name")]), "test");
        var (_, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);

        var receipt = await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        await ProcessAsync();

        var request = await RequestAsync(receipt.RequestId!.Value);
        Assert.Equal(InboundProcessing.Failed, request.Processing);
        Assert.Contains("neither a phone nor an email", request.Result);
    }

    [Fact]
    public async Task AcceptedBeforeACrash_IsProcessedAtTheNextStart()
    {
        await SubscribeAsync("contact.created");
        var mapping = await _engine.CreateLeadMappingAsync();
        var (_, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);
        var receipt = await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        var copy = Path.Combine(Path.GetTempPath(), $"wc-crash-{Guid.NewGuid():N}.db");
        File.Copy(_engine.DatabasePath, copy); // the process stops here: accepted, never processed

        await using var restarted = await TestEngine.StartAsync(copyOf: copy);
        using var stop = new CancellationTokenSource();
        var processor = restarted.Get<InboundProcessor>();
        await processor.StartAsync(stop.Token); // the hosted service as the host starts it
        try
        {
            await WaitUntilAsync(restarted, receipt.RequestId!.Value, InboundProcessing.Processed);
        }
        finally
        {
            await processor.StopAsync(CancellationToken.None);
            File.Delete(copy);
        }
        await using var db = restarted.Db();
        Assert.Equal("contact.created", (await db.Deliveries.SingleAsync()).EventType);
        Assert.Single(await db.Set<Contact>().ToListAsync());
    }

    [Fact]
    public async Task StoppedBetweenSavingTheContactAndPublishing_PublishesOnce()
    {
        // The host stops the processor (its token cancelled) the moment the mapping step has committed: the contact and the
        // events still to publish are stored, nothing is published yet.
        using var stop = new CancellationTokenSource();
        await using var engine = await TestEngine.StartAsync(configure: s =>
            s.ConfigureDbContext<ConsoleDbContext>(b => b.AddInterceptors(new StopOnceMapped(stop))));
        await engine.Get<SubscriptionService>().CreateAsync(new SubscriptionInput("crm", "http://127.0.0.1:9/hook", ["contact.created"]), "test");
        var mapping = await engine.CreateLeadMappingAsync();
        var (_, token) = await engine.CreateInboundAsync(mappingId: mapping.Id);
        var receipt = await engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        var processor = engine.Get<InboundProcessor>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processor.ProcessPendingAsync(stop.Token));
        await using (var db = engine.Db())
        {
            Assert.Equal(InboundProcessing.Publishing, (await db.Set<InboundRequest>().SingleAsync(r => r.Id == receipt.RequestId)).Processing);
            Assert.Single(await db.Set<Contact>().ToListAsync());
            Assert.Empty(await db.Deliveries.ToListAsync());   // stopped before the publish: nothing to deliver yet
        }

        Assert.Equal(1, await processor.ProcessPendingAsync());   // the next start takes it up where it stopped

        await using (var db = engine.Db())
        {
            var request = await db.Set<InboundRequest>().SingleAsync(r => r.Id == receipt.RequestId);
            Assert.Equal(InboundProcessing.Processed, request.Processing);
            var delivery = Assert.Single(await db.Deliveries.ToListAsync());
            Assert.Equal("contact.created", delivery.EventType);
            Assert.Equal(Assert.Single(request.Events).Id, delivery.EventId);   // the event the mapping step stored, not a new one
            Assert.Single(await db.Set<Contact>().ToListAsync());
        }
    }

    [Fact]
    public async Task StoppedAfterPublishing_BeforeMarkedProcessed_PublishesNothingNew()
    {
        await SubscribeAsync("contact.created");
        var mapping = await _engine.CreateLeadMappingAsync();
        var (_, token) = await _engine.CreateInboundAsync(mappingId: mapping.Id);
        var receipt = await _engine.Get<InboundReceiver>().ReceiveAsync(Post(token, Seed004.Lead));
        await ProcessAsync();
        var processed = await RequestAsync(receipt.RequestId!.Value);

        // As if the process had stopped after publishing but before the request was marked processed.
        await using (var db = _engine.Db())
        {
            await db.Set<InboundRequest>().Where(r => r.Id == processed.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Processing, InboundProcessing.Publishing));
        }
        await ProcessAsync();

        Assert.Equal(InboundProcessing.Processed, (await RequestAsync(processed.Id)).Processing);
        Assert.Single(await DeliveriesAsync());
        Assert.Single((await _engine.Get<ContactService>().QueryAsync(null, 0, 10)).Items);
    }

    /// <summary>Cancels <paramref name="stop"/> once a request's mapping step (state Publishing) has been committed.</summary>
    private sealed class StopOnceMapped(CancellationTokenSource stop) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public override ValueTask<int> SavedChangesAsync(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<InboundRequest>().Any(e => e.Entity.Processing == InboundProcessing.Publishing))
                stop.Cancel();
            return ValueTask.FromResult(result);
        }
    }

    private static async Task WaitUntilAsync(TestEngine engine, Guid requestId, InboundProcessing state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            await using (var db = engine.Db())
                if ((await db.Set<InboundRequest>().SingleAsync(r => r.Id == requestId)).Processing == state)
                    return;
            await Task.Delay(20, timeout.Token); // polling a real background service: bounded by the timeout above
        }
    }
}
