using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookConsole.Tests.E2E.Drills;

/// <summary>
/// Publishes numbered events (<c>{prefix}-{n}</c>, data <c>{"n": n}</c>) to the console at a steady pace from several callers, the way
/// a well-behaved client does: when the console is unreachable it waits for it to come back and publishes the same id again, so an
/// event whose 202 was lost is not published twice. Counts every 5xx answer.
/// </summary>
public sealed class DrillLoad(string eventType, string prefix, int callers, TimeSpan pause)
{
    private readonly List<Task> _callers = [];
    private volatile HttpClient _client = default!;
    private volatile TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private int _next;

    /// <summary>Event number → when its publish call started (Stopwatch timestamp), for every event answered 202.</summary>
    public ConcurrentDictionary<int, long> Accepted { get; } = new();

    /// <summary>Every answer of 500 or more, as "status body".</summary>
    public ConcurrentQueue<string> ServerErrors { get; } = new();

    /// <summary>Answers that were neither 202 nor 5xx.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>Starts the callers against <paramref name="client"/>.</summary>
    public void Start(HttpClient client)
    {
        Up(client);
        for (var i = 0; i < callers; i++)
            _callers.Add(Task.Run(CallAsync));
    }

    /// <summary>The console is about to go away: callers that fail from now on wait for <see cref="Up"/>.</summary>
    public void Down() => _up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The console is back at <paramref name="client"/>'s address.</summary>
    public void Up(HttpClient client)
    {
        _client = client;
        _up.TrySetResult();
    }

    /// <summary>Stops taking new numbers; what is being published is published until it is accepted.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_callers);
    }

    private async Task CallAsync()
    {
        while (!_stopping)
        {
            var n = Interlocked.Increment(ref _next);
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                try
                {
                    var client = _client;
                    using var response = await client.PostAsJsonAsync("api/v1/events",
                        new { type = eventType, id = $"{prefix}-{n}", data = new { n } });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                        Accepted[n] = started;
                    else if ((int)response.StatusCode >= 500)
                        ServerErrors.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    else
                        Refused.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await _up.Task; // the console is down: publish the same id again once it is back
                }
            }
            await Task.Delay(pause);
        }
    }

    /// <summary>The number a delivered body carries in <c>data.n</c>.</summary>
    public static int NumberOf(byte[] body) => JsonNode.Parse(body)!["data"]!["n"]!.GetValue<int>();

    /// <summary>Creates a webhook for <paramref name="type"/> and returns its id.</summary>
    public static async Task<string> CreateWebhookAsync(HttpClient client, string name, string url, string type, int[] retrySchedule,
        int timeoutSeconds = 5)
    {
        using var response = await client.PostAsJsonAsync("api/v1/webhooks", new { name, url, events = new[] { type }, retrySchedule, timeoutSeconds });
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"Creating webhook '{name}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>How many of a webhook's deliveries are in each of <paramref name="states"/> ("2 retrying, 1 sending"), empty when none.</summary>
    public static async Task<string> UnfinishedAsync(HttpClient client, string webhookId, params string[] states)
    {
        var found = new List<string>();
        foreach (var state in states)
        {
            var page = await client.GetFromJsonAsync<JsonElement[]>($"api/v1/webhooks/{webhookId}/deliveries?status={state}&pageSize=200");
            if (page!.Length > 0)
                found.Add($"{page.Length}{(page.Length == 200 ? "+" : "")} {state}");
        }
        return string.Join(", ", found);
    }
}
