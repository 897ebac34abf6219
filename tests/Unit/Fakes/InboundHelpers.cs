using System.Text;
using WebhookConsole.Engine.Inbound;
using WebhookConsole.Engine.Mapping;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>Shortcuts for inbound tests against a <see cref="TestEngine"/>.</summary>
public static class InboundHelpers
{
    /// <summary>A POST to <c>/in/{token}</c> as the web host hands it to the engine.</summary>
    public static IncomingRequest Post(string token, string body, string contentType = "application/json", params (string Name, string Value)[] headers) =>
        new(token, "127.0.0.1", [.. headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), KeyValuePair.Create("Content-Type", contentType)],
            contentType, Encoding.UTF8.GetBytes(body), Encoding.UTF8.GetByteCount(body), TooLarge: false);

    /// <summary>Creates an inbound webhook (optionally with a mapping) and returns it with its URL token.</summary>
    public static async Task<(InboundWebhook Webhook, string Token)> CreateInboundAsync(this TestEngine engine, string name = "SaleAssist leads",
        Guid? mappingId = null, InboundVerification verification = InboundVerification.None, string? header = null, string? secret = null)
    {
        var service = engine.Get<InboundWebhookService>();
        var webhook = await service.CreateAsync(new InboundInput(name, true, verification, header, secret, mappingId), "test");
        return (webhook, service.Token(webhook));
    }

    /// <summary>The seed-004 lead mapping: name, mobile number and email of <c>payload.people_detail</c> to the contact.</summary>
    public static Task<FieldMapping> CreateLeadMappingAsync(this TestEngine engine, string? eventType = null, params MappedField[] more) =>
        engine.Get<MappingService>().CreateAsync(new MappingInput("SaleAssist lead",
        [
            new("payload.people_detail.name", "contact.name"),
            new("payload.people_detail.mobile_number", "contact.phone"),
            new("payload.people_detail.email", "contact.email"),
            .. more,
        ], eventType), "test");
}
