namespace WebhookConsole.Web.Components.Pages.Mappings;

/// <summary>One row of the mapping editor: a source path and the name it gets.</summary>
public sealed class MappingRow
{
    public string Source { get; set; } = "";
    public string Target { get; set; } = "";
}
