using NJsonSchema;
using WebhookConsole.Engine.Catalog;

namespace WebhookConsole.Tests.Unit.Catalog;

public sealed class EventCatalogTests
{
    private static readonly EventCatalog Catalog = EventCatalog.LoadEmbedded();

    public static readonly TheoryData<string, string> SeedNames = new()
    {
        // seeds 000 and 002 name their events in the catalog's own scheme
        { "conversation.created", "conversation.created" }, { "message.incoming", "message.incoming" },
        { "message.sent", "message.sent" }, { "message.delivered", "message.delivered" }, { "message.read", "message.read" },
        { "message.failed", "message.failed" }, { "contact.created", "contact.created" }, { "contact.updated", "contact.updated" },
        { "campaign.completed", "campaign.completed" }, { "transfer.created", "transfer.created" },
        { "appointment.booked", "appointment.booked" },
        // seed 003 (FineGuide) and 004 (SaleAssist) names are aliases
        { "MESSAGE", "assistant.message" }, { "SESSION_OPEN", "session.opened" }, { "SESSION_CLOSED", "session.closed" },
        { "TICKET", "ticket.created" }, { "CREATE_LEAD", "lead.created" }, { "RATE_MESSAGE", "message.rated" },
        { "MESSAGE_AUDIO_URL", "message.audio_ready" }, { "VARIABLE_UPDATE", "session.variables_updated" },
        { "widget_new_conversation", "widget.conversation_created" },
    };

    [Fact]
    public void Catalog_HoldsExactlyTheTwentySeedEventTypes_AndTheConsolesOwn()
    {
        var expected = SeedNames.Select(row => (string)row[1]).Append("webhook.disabled").Order(StringComparer.Ordinal);
        Assert.Equal(expected, Catalog.All.Select(t => t.Type).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void Resolve_FindsEachSeedName_AsItsType(string seedName, string type)
    {
        Assert.True(Catalog.TryResolve(seedName, out var resolved));
        Assert.Equal(type, resolved.Type);
    }

    [Fact]
    public void Resolve_IgnoresCase_AndRefusesUnknownNames()
    {
        Assert.True(Catalog.TryResolve("create_lead", out var lead));
        Assert.Equal("lead.created", lead.Type);
        Assert.False(Catalog.TryResolve("message.exploded", out _));
    }

    [Fact]
    public async Task EveryExample_ValidatesAgainstItsOwnSchema()
    {
        foreach (var type in Catalog.All)
        {
            var schema = await JsonSchema.FromJsonAsync(type.Schema.ToJsonString());
            var errors = schema.Validate(type.Example.ToJsonString());
            Assert.True(errors.Count == 0, $"{type.Type}: {string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}"))}");
        }
    }

    [Fact]
    public void EveryType_HasDescriptionSourceAndCategory()
    {
        Assert.All(Catalog.All, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Description), t.Type);
            Assert.Matches(@"^(00[0-4] \w+|Webhook Console$)", t.Source);
            Assert.False(string.IsNullOrWhiteSpace(t.Category), t.Type);
            Assert.Equal("object", t.Schema["type"]?.GetValue<string>());
        });
    }

    [Fact]
    public void Examples_AreTheSeedsOwn_WhereTheSeedPrintsOne()
    {
        Assert.True(Catalog.TryResolve("conversation.created", out var conversation));
        Assert.Equal("conv_abc123", conversation.Example["conversation_id"]?.GetValue<string>());   // seed 000
        Assert.True(Catalog.TryResolve("message.incoming", out var incoming));
        Assert.Equal("Hello, I need help with my order", incoming.Example["text"]?.GetValue<string>()); // seed 002
        Assert.True(Catalog.TryResolve("RATE_MESSAGE", out var rate));
        Assert.Equal("RATE_MESSAGE", rate.Example["type"]?.GetValue<string>());                     // seed 003
        Assert.True(Catalog.TryResolve("widget_new_conversation", out var widget));
        Assert.Equal("Prakash Mudhaliyar", widget.Example["payload"]?["people_detail"]?["name"]?.GetValue<string>()); // seed 004
    }

    [Fact]
    public void Constructor_RefusesTwoTypesClaimingOneName()
    {
        var a = Catalog.All[0];
        var clash = a with { Type = "other.type", Aliases = [a.Type] };
        var error = Assert.Throws<InvalidOperationException>(() => new EventCatalog([a, clash]));
        Assert.Contains(a.Type, error.Message);
    }
}
