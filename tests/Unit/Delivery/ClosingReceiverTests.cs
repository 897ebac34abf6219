using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Delivery;

/// <summary>Receivers that close the connection after each answer (HTTP/1.0 servers, small scripts): never a failure of theirs.</summary>
public sealed class ClosingReceiverTests
{
    [Fact]
    public async Task Send_NeverFails_WhenTheReceiverClosesTheConnectionAfterEachAnswer()
    {
        await using var receiver = Http10Receiver.Start();
        await using var engine = await TestEngine.StartAsync();
        var sender = engine.Get<WebhookSender>();
        string[] secrets = [WebhookSecret.Generate()];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        const int callers = 16, each = 25;

        // 16 at once from the first send on: some start before any answer came back, as a busy endpoint's first attempts do.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = new List<(string Id, AttemptOutcome Outcome)>();
            for (var k = 0; k < each; k++)
            {
                var id = $"msg_{caller}_{k}";
                mine.Add((id, await sender.SendAsync(receiver.Url, id, "{\"n\":1}"u8.ToArray(), secrets, [], TimeSpan.FromSeconds(10), deadline.Token)));
            }
            return mine;
        })));

        var sent = outcomes.SelectMany(o => o).ToList();
        var failed = sent.Where(s => !s.Outcome.Succeeded).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {sent.Count} sends failed: " +
            string.Join("; ", failed.GroupBy(f => f.Outcome.Failure).Select(g => $"{g.Count()}× {g.Key} ({g.Min(f => f.Outcome.DurationMs)}–{g.Max(f => f.Outcome.DurationMs)} ms)")));
        // Each send reached the receiver, and once: a request it answered is never sent again.
        Assert.Equal(sent.Select(s => s.Id).Order(), receiver.WebhookIds.Order());
    }

    [Fact]
    public async Task Send_FailsWithoutSendingAgain_WhenTheConnectionEndsInTheMiddleOfTheAnswer()
    {
        await using var receiver = Http10Receiver.Start();
        receiver.Answer = "HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n{\"ok\":"u8.ToArray(); // 6 of the 1000 bytes it promised
        await using var engine = await TestEngine.StartAsync();
        var sender = engine.Get<WebhookSender>();
        string[] secrets = [WebhookSecret.Generate()];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var outcomes = new List<AttemptOutcome>();
        for (var k = 0; k < 3; k++)
            outcomes.Add(await sender.SendAsync(receiver.Url, $"msg_{k}", "{}"u8.ToArray(), secrets, [], TimeSpan.FromSeconds(10), deadline.Token));

        Assert.All(outcomes, o => Assert.Equal("connection closed before a complete response", o.Failure));
        Assert.Equal(["msg_0", "msg_1", "msg_2"], receiver.WebhookIds);
    }
}
