using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookConsole.Tests.E2E.Infrastructure;

namespace WebhookConsole.Tests.E2E.Api;

[Collection(ConsoleCollection.Name)]
public sealed class EventTypesApiTests(ConsoleFixture fixture)
{
    private static readonly string[] SeedTypes =
    [
        "conversation.created", "message.incoming", "message.sent", "message.delivered", "message.read", "message.failed",
        "contact.created", "contact.updated", "campaign.completed", "transfer.created", "appointment.booked",
        "assistant.message", "session.opened", "session.closed", "ticket.created", "lead.created", "message.rated",
        "message.audio_ready", "session.variables_updated", "widget.conversation_created",
    ];

    public static readonly TheoryData<string, string> Aliases = new()
    {
        { "MESSAGE", "assistant.message" }, { "SESSION_OPEN", "session.opened" }, { "SESSION_CLOSED", "session.closed" },
        { "TICKET", "ticket.created" }, { "CREATE_LEAD", "lead.created" }, { "RATE_MESSAGE", "message.rated" },
        { "MESSAGE_AUDIO_URL", "message.audio_ready" }, { "VARIABLE_UPDATE", "session.variables_updated" },
        { "widget_new_conversation", "widget.conversation_created" },
    };

    [Fact]
    public async Task Catalog_HoldsAllTwentySeedTypes_AndTheConsolesOwn_EachWithSchemaAndExample()
    {
        using var client = fixture.App.Client();

        var types = await client.GetFromJsonAsync<JsonElement[]>("api/v1/event-types");

        Assert.Equal(SeedTypes.Append("webhook.disabled").Order(), types!.Select(t => t.GetProperty("type").GetString()!).Order());
        Assert.All(types!, t =>
        {
            Assert.Equal("object", t.GetProperty("schema").GetProperty("type").GetString());
            Assert.Equal(JsonValueKind.Object, t.GetProperty("example").ValueKind);
            Assert.NotEmpty(t.GetProperty("example").EnumerateObject());
            Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("source").GetString()));
        });
    }

    [Theory]
    [MemberData(nameof(Aliases))]
    public async Task EachAlias_ResolvesToItsType(string alias, string type)
    {
        using var client = fixture.App.Client();

        var resolved = await client.GetFromJsonAsync<JsonElement>($"api/v1/event-types/{alias}");

        Assert.Equal(type, resolved.GetProperty("type").GetString());
        Assert.Contains(alias, resolved.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task UnknownType_Answers404ProblemJson_ThatSaysWhereToLook()
    {
        using var client = fixture.App.Client();

        var response = await client.GetAsync("api/v1/event-types/message.exploded");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("/api/v1/event-types", problem.GetProperty("detail").GetString());
    }
}
