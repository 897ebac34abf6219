using System.Runtime.CompilerServices;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// The test process's thread pool starts with enough threads for what runs in it. Its receivers (Kestrel), publishers and
/// meters all run on that pool, and so does the test host: vstest's message loop and xunit's assembly runner each hold a pool
/// thread in a synchronous wait for the whole run. On a 2-core machine the pool's floor is 2 threads, so whenever the pool
/// shrank to its floor, a request to a test receiver waited in the queue until the pool added a thread (it does every 500 ms):
/// the faulty-receivers drill measured 500–1,250 ms, on one delivery at a time, that the console never spent.
/// </summary>
internal static class ThreadPoolFloor
{
    public const int Workers = 32;

    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Workers), Math.Max(io, Workers));
    }
}
