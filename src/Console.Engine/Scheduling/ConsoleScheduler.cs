using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Scheduling;

/// <summary>
/// Quartz, in this process (registered with <c>AddQuartz</c> and run by Quartz's own hosted service): wakes the delivery
/// dispatcher when retries fall due, and runs the periodic health and retention sweeps. It keeps nothing of its own (an in-memory job
/// store): the stored deliveries are the truth, and the dispatcher re-asks for its next wake-up from them after every start.
/// </summary>
public sealed partial class ConsoleScheduler(ISchedulerFactory schedulers, TimeProvider time, ILogger<ConsoleScheduler> logger)
{
    internal static readonly JobKey WakeJob = new("delivery-wake", "delivery");
    internal static readonly JobKey HealthJob = new("subscription-health", "subscriptions");
    internal static readonly JobKey RetentionJobKey = new("retention", "retention");
    /// <summary>Wake-ups are grouped in slots this wide, so a burst of retries makes a handful of triggers, not thousands.</summary>
    public static readonly TimeSpan WakeSlot = TimeSpan.FromMilliseconds(100);

    /// <summary>Registers Quartz, its jobs and its hosted service (started before the dispatcher, stopped after it).</summary>
    internal static void Register(IServiceCollection services)
    {
        services.AddQuartz(q =>
        {
            // Unique per engine: Quartz keeps schedulers in a process-wide repository by name (tests run several engines).
            q.ConfigureScheduler(s => s.InstanceName = "webhook-console-" + Guid.NewGuid().ToString("N"));
            q.UseDefaultThreadPool(2);
            q.UseInMemoryStore();
            q.AddJob<DeliveryWakeJob>(j => j.WithIdentity(WakeJob).StoreDurably());
            q.ScheduleJob<SubscriptionHealthJob>(
                t => t.WithIdentity("subscription-health-every-minute", "subscriptions")
                    .StartAt(DateTimeOffset.UtcNow.AddSeconds(30))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(HealthJob));
            q.ScheduleJob<RetentionJob>(
                t => t.WithIdentity("retention-every-minute", "retention")
                    .StartAt(DateTimeOffset.UtcNow.AddMinutes(1))
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()
                        .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
                j => j.WithIdentity(RetentionJobKey));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSingleton<ConsoleScheduler>();
    }

    /// <summary>Asks Quartz to wake the dispatcher at <paramref name="at"/> (rounded up to the next slot). Does nothing once stopped.</summary>
    public async Task WakeAtAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        if (await scheduler.GetStatus(ct) is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown)
            return;
        var slot = (at.ToUnixTimeMilliseconds() + (long)WakeSlot.TotalMilliseconds - 1) / (long)WakeSlot.TotalMilliseconds;
        var trigger = TriggerBuilder.Create(time).WithIdentity($"wake-{slot}", "delivery").ForJob(WakeJob)
            .StartAt(DateTimeOffset.FromUnixTimeMilliseconds(slot * (long)WakeSlot.TotalMilliseconds))
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            // Keep: a slot someone already asked for stays as it is (an idempotent enqueue, decided under the store's lock).
            await scheduler.ScheduleTrigger(trigger, TriggerConflict.Keep, ct);
        }
        catch (SchedulerException e)
        {
            if (await scheduler.GetStatus(CancellationToken.None) is not (SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown))
                throw;
            LogNotScheduled(e);
        }
    }

    [LoggerMessage(LogLevel.Debug, "A wake-up was not scheduled because the scheduler is stopping")]
    private partial void LogNotScheduled(Exception e);
}
