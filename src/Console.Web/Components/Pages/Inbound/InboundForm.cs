using WebhookConsole.Engine.Inbound;

namespace WebhookConsole.Web.Components.Pages.Inbound;

/// <summary>What the settings form holds while a person types; the saved secret is never loaded into it.</summary>
public sealed class InboundForm
{
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public InboundVerification Mode { get; set; }
    public string? Header { get; set; }
    /// <summary>A new secret; empty keeps the saved one.</summary>
    public string? Secret { get; set; }
    public Guid? MappingId { get; set; }

    public static InboundForm From(InboundWebhook w) => new()
    {
        Name = w.Name, Enabled = w.Enabled, Mode = w.Verification, Header = w.VerificationHeader, MappingId = w.MappingId,
    };

    public InboundInput ToInput() => new(Name, Enabled, Mode, Header, string.IsNullOrWhiteSpace(Secret) ? null : Secret, MappingId);
}
