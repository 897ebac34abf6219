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
/// event whose 202 was lost is not published twice. Given several consoles (nodes of one database), the callers are spread over
/// them, and a caller whose node is unreachable publishes the same id to the next node instead of waiting. Counts every 5xx answer.
/// With <paramref name="total"/>, the callers stop by themselves once numbers 1 to <paramref name="total"/> are taken.
/// </summary>
public sealed class DrillLoad(string eventType, string prefix, int callers, TimeSpan pause, int? total = null)
{
    private readonly List<Task> _callers = [];
    private volatile HttpClient[] _clients = [];
    private volatile TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private int _next;

    /// <summary>Event number → when its publish call started (Stopwatch timestamp), for every event answered 202.</summary>
    public ConcurrentDictionary<int, long> Accepted { get; } = new();

    /// <summary>Every answer of 500 or more, as "status body".</summary>
    public ConcurrentQueue<string> ServerErrors { get; } = new();

    /// <summary>Answers that were neither 202 nor 5xx.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    /// <summary>Console address → how many events it answered 202.</summary>
    public ConcurrentDictionary<Uri, int> AcceptedBy { get; } = new();

    /// <summary>How many times a caller found its node unreachable and moved to the next one.</summary>
    public int Moves => _moves;

    private int _moves;

    /// <summary>Starts the callers against <paramref name="clients"/> (caller k on node k mod n).</summary>
    public void Start(params HttpClient[] clients)
    {
        Up(clients);
        for (var i = 0; i < callers; i++)
        {
            var caller = i;
            _callers.Add(Task.Run(() => CallAsync(caller)));
        }
    }

    /// <summary>The console is about to go away: callers that fail from now on wait for <see cref="Up"/>.</summary>
    public void Down() => _up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The console is back at <paramref name="clients"/>' address (or: these are the nodes to publish to from now on).</summary>
    public void Up(params HttpClient[] clients)
    {
        _clients = clients;
        _up.TrySetResult();
    }

    /// <summary>Waits until every number was taken and accepted (with <c>total</c>), then for the callers to end.</summary>
    public Task Completion => Task.WhenAll(_callers);

    /// <summary>Stops taking new numbers; what is being published is published until it is accepted.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_callers);
    }

    private async Task CallAsync(int node)
    {
        while (!_stopping)
        {
            var n = Interlocked.Increment(ref _next);
            if (n > total)
                break;
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                var clients = _clients;
                try
                {
                    var client = clients[node % clients.Length];
                    using var response = await client.PostAsJsonAsync("api/v1/events",
                        new { type = eventType, id = $"{prefix}-{n}", data = new { n } });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Accepted[n] = started;
                        AcceptedBy.AddOrUpdate(client.BaseAddress!, 1, (_, c) => c + 1);
                    }
                    else if ((int)response.StatusCode >= 500)
                        ServerErrors.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    else
                        Refused.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (clients.Length == 1)
                    {
                        await _up.Task; // the console is down: publish the same id again once it is back
                        continue;
                    }
                    // This node is down: the same id to the next one (a moment later, should they all be down).
                    node++;
                    Interlocked.Increment(ref _moves);
                    await Task.Delay(100);
                }
            }
            await Task.Delay(pause);
        }
    }

    /// <summary>The number a delivered body carries in <c>data.n</c>.</summary>
    public static int NumberOf(byte[] body) => JsonNode.Parse(body)!["data"]!["n"]!.GetValue<int>();

    /// <summary>Creates a webhook for <paramref name="type"/> and returns its id.</summary>
    public static async Task<string> CreateWebhookAsync(HttpClient client, string name, string url, string type, int[] retrySchedule,
        int timeoutSeconds = 5, int? maxConcurrency = null)
    {
        using var response = await client.PostAsJsonAsync("api/v1/webhooks", new { name, url, events = new[] { type }, retrySchedule, timeoutSeconds, maxConcurrency });
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
