using System.Collections.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Quartz.Impl;
using Quartz.Spi;

namespace WebhookConsole.Engine.Scheduling;

/// <summary>
/// Quartz, in this process: wakes the delivery dispatcher when retries fall due, and runs the periodic health sweep.
/// It keeps nothing of its own (an in-memory job store): the stored deliveries are the truth, and the dispatcher re-asks for its
/// next wake-up from them after every start.
/// </summary>
public sealed partial class ConsoleScheduler(IServiceProvider services, ILogger<ConsoleScheduler> logger) : IHostedService
{
    private static readonly JobKey WakeJob = new("delivery-wake", "delivery");
    private static readonly JobKey HealthJob = new("subscription-health", "subscriptions");
    /// <summary>Wake-ups are grouped in slots this wide, so a burst of retries makes a handful of triggers, not thousands.</summary>
    public static readonly TimeSpan WakeSlot = TimeSpan.FromMilliseconds(100);

    private IScheduler? _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var properties = new NameValueCollection
        {
            // Unique per engine: Quartz keeps schedulers in a process-wide repository by name.
            ["quartz.scheduler.instanceName"] = "webhook-console-" + Guid.NewGuid().ToString("N"),
            ["quartz.threadPool.maxConcurrency"] = "2",
            ["quartz.jobStore.type"] = "Quartz.Simpl.RAMJobStore, Quartz",
        };
        var scheduler = await new StdSchedulerFactory(properties).GetScheduler(cancellationToken);
        scheduler.JobFactory = new ServiceProviderJobFactory(services);
        await scheduler.AddJob(JobBuilder.Create<DeliveryWakeJob>().WithIdentity(WakeJob).StoreDurably().Build(), true, cancellationToken);
        await scheduler.ScheduleJob(
            JobBuilder.Create<SubscriptionHealthJob>().WithIdentity(HealthJob).Build(),
            TriggerBuilder.Create().WithIdentity("subscription-health-every-minute", "subscriptions")
                .StartAt(DateTimeOffset.UtcNow.AddSeconds(30))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount())
                .Build(),
            cancellationToken);
        await scheduler.Start(cancellationToken);
        _scheduler = scheduler;
    }

    /// <summary>Asks Quartz to wake the dispatcher at <paramref name="at"/> (rounded up to the next slot). Does nothing before start.</summary>
    public async Task WakeAtAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        if (_scheduler is not { IsShutdown: false } scheduler)
            return;
        var slot = (at.ToUnixTimeMilliseconds() + (long)WakeSlot.TotalMilliseconds - 1) / (long)WakeSlot.TotalMilliseconds;
        var key = new TriggerKey($"wake-{slot}", "delivery");
        try
        {
            if (await scheduler.CheckExists(key, ct))
                return;
            await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity(key).ForJob(WakeJob)
                .StartAt(DateTimeOffset.FromUnixTimeMilliseconds(slot * (long)WakeSlot.TotalMilliseconds))
                .WithSimpleSchedule(s => s.WithMisfireHandlingInstructionFireNow())
                .Build(), ct);
        }
        catch (ObjectAlreadyExistsException) { /* another caller asked for the same slot */ }
        catch (SchedulerException e) when (scheduler.IsShutdown) { LogNotScheduled(e); }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is { } scheduler)
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }

    [LoggerMessage(LogLevel.Debug, "A wake-up was not scheduled because the scheduler is stopping")]
    private partial void LogNotScheduled(Exception e);

    /// <summary>Creates jobs from the service provider (Quartz.Extensions.DependencyInjection is not available here).</summary>
    private sealed class ServiceProviderJobFactory(IServiceProvider services) : IJobFactory
    {
        public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler) =>
            (IJob)ActivatorUtilities.CreateInstance(services, bundle.JobDetail.JobType);

        public void ReturnJob(IJob job) => (job as IDisposable)?.Dispose();
    }
}
