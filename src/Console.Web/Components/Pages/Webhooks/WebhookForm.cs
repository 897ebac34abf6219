using System.Globalization;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Web.Components.Pages.Webhooks;

/// <summary>What the create/edit form holds while a person types; turned into a <see cref="SubscriptionInput"/> on save.</summary>
public sealed class WebhookForm
{
    public const string Custom = "Custom";

    /// <summary>The schedules offered in the dropdown, with how a person reads them.</summary>
    public static readonly IReadOnlyList<ScheduleChoice> Schedules =
    [
        new("Standard", "Standard: 10 s, 60 s, 5 min", RetrySchedules.Standard),
        new("Patient", "Patient: 1 min, 5 min, 15 min", RetrySchedules.Patient),
        new("Extended", "Extended: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", RetrySchedules.Extended),
        new(Custom, "Custom…", []),
    ];

    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public IReadOnlySet<string> Events { get; set; } = new HashSet<string>();
    public bool Enabled { get; set; } = true;
    public List<HeaderRow> Headers { get; set; } = [];
    public string? AssistantId { get; set; }
    public Guid? MappingId { get; set; }
    public int TimeoutSeconds { get; set; } = 10;
    public string Schedule { get; set; } = "Standard";
    /// <summary>Comma-separated seconds, used when <see cref="Schedule"/> is Custom.</summary>
    public string CustomSchedule { get; set; } = "";
    /// <summary>At most this many requests in flight to the endpoint; empty for the console's default.</summary>
    public int? MaxConcurrency { get; set; }
    /// <summary>At most this many requests per second to the endpoint; empty for no limit.</summary>
    public int? RateLimitPerSecond { get; set; }

    /// <summary>The form for an existing subscription; header values stay empty (shown masked, kept unless retyped).</summary>
    public static WebhookForm From(WebhookSubscription s)
    {
        var preset = Schedules.FirstOrDefault(c => c.Key != Custom && c.Seconds.SequenceEqual(s.RetrySchedule));
        return new WebhookForm
        {
            Name = s.Name,
            Url = s.Url,
            Events = new HashSet<string>(s.Events),
            Enabled = s.Enabled,
            Headers = s.Headers.Select(h => new HeaderRow { Key = h.Key, Saved = true }).ToList(),
            AssistantId = s.AssistantId,
            MappingId = s.MappingId,
            TimeoutSeconds = s.TimeoutSeconds,
            Schedule = preset?.Key ?? Custom,
            CustomSchedule = string.Join(", ", s.RetrySchedule),
            MaxConcurrency = s.MaxConcurrency,
            RateLimitPerSecond = s.RateLimitPerSecond,
        };
    }

    /// <summary>The input to save, or the reason the custom schedule cannot be read (checked here: the engine takes numbers).</summary>
    public (SubscriptionInput? Input, string? ScheduleProblem) ToInput()
    {
        IReadOnlyList<int> schedule;
        if (Schedule == Custom)
        {
            var parts = CustomSchedule.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var seconds = new List<int>();
            foreach (var part in parts)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    return (null, $"'{part}' is not a whole number of seconds. Write the delays as e.g. 30, 120, 600.");
                seconds.Add(value);
            }
            if (seconds.Count == 0)
                return (null, "Write at least one delay in seconds, e.g. 30, 120, 600.");
            schedule = seconds;
        }
        else
        {
            schedule = Schedules.First(c => c.Key == Schedule).Seconds;
        }

        var headers = Headers
            .Where(h => h.Key.Trim().Length > 0 || !string.IsNullOrEmpty(h.Value))
            // A saved header left blank keeps its stored value (null tells the engine so).
            .Select(h => new HeaderInput(h.Key, h.Saved && string.IsNullOrEmpty(h.Value) ? null : h.Value ?? ""))
            .ToList();
        return (new SubscriptionInput(Name, Url, Events.ToList(), Enabled, headers,
            string.IsNullOrWhiteSpace(AssistantId) ? null : AssistantId, TimeoutSeconds, schedule, MaxConcurrency, RateLimitPerSecond, MappingId), null);
    }
}

/// <summary>One custom header row; <see cref="Saved"/> rows have a stored value the form never sees.</summary>
public sealed class HeaderRow
{
    public string Key { get; set; } = "";
    public string? Value { get; set; }
    public bool Saved { get; set; }
}

/// <summary>A retry schedule in the dropdown.</summary>
public sealed record ScheduleChoice(string Key, string Label, IReadOnlyList<int> Seconds);
