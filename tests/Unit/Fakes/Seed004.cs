namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>Seed 004's <c>widget_new_conversation</c> master payload: as printed (not valid JSON) and made valid.</summary>
public static class Seed004
{
    /// <summary>The payload made valid: the missing comma in <c>people_detail</c> added, the stray closing brace removed.</summary>
    public static string Lead => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed004-lead.json"));

    /// <summary>Exactly as the seed prints it: a comma missing after <c>widget_location_source</c> (line 143), braces unbalanced.</summary>
    public static string AsPrinted => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed004-lead-as-printed.json"));
}
