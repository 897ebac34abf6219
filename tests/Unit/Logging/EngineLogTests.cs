using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Persistence;
using WebhookConsole.Engine.Signing;
using WebhookConsole.Tests.Unit.Fakes;

namespace WebhookConsole.Tests.Unit.Logging;

/// <summary>What the engine writes to the console's log: what an operator must act on, and not a line per ordinary outcome.</summary>
public sealed class EngineLogTests
{
    [Fact]
    public async Task ATimedOutAttempt_IsItsOutcome_NotAnErrorInTheLog()
    {
        var log = new CapturedLog();
        await using var engine = await TestEngine.StartAsync(configure: s => s.AddSingleton<ILoggerProvider>(log));
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = async (_, c) => await Task.Delay(TimeSpan.FromSeconds(5), c.RequestAborted);

        var outcome = await engine.Get<WebhookSender>().SendAsync(receiver.Url, "msg_1", "{}"u8.ToArray(), [WebhookSecret.Generate()], [],
            TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal("timeout: no complete answer within 1 s", outcome.Failure);
        // The resilience pipeline did report the timeout (so this test sees its telemetry), as information only.
        Assert.Contains(log.Entries, e => e.Category.StartsWith("Polly", StringComparison.Ordinal) && e.Message.Contains("OnTimeout") && e.Level == LogLevel.Information);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task AStoreTransactionThatHeldTheOthersUp_IsWarnedOf_WithItsSlowestWrite()
    {
        var log = new CapturedLog();
        await using var engine = await TestEngine.StartAsync(configure: s => s.AddSingleton<ILoggerProvider>(log));

        await engine.Get<StoreWriter>().WriteAsync(SlowWriteAsync);

        var warning = Assert.Single(log.Entries, e => e.Category == typeof(StoreWriter).FullName && e.Level == LogLevel.Warning);
        Assert.Contains("its slowest write took", warning.Message);
        Assert.Contains($"from {nameof(EngineLogTests)}.{nameof(SlowWriteAsync)}", warning.Message);
    }

    /// <summary>A write that keeps the store's transaction open for longer than the writer's warning threshold (250 ms).</summary>
    private static Task SlowWriteAsync(ConsoleDbContext db) => Task.Delay(TimeSpan.FromMilliseconds(400));

    private sealed record Entry(string Category, LogLevel Level, string Message);

    /// <summary>Every log entry of every category, as formatted.</summary>
    private sealed class CapturedLog : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturedLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception)));
        }
    }
}
