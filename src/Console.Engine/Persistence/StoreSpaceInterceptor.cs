using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebhookConsole.Engine.Persistence;

/// <summary>Tells <see cref="StoreSpace"/> how the EF Core contexts' writes went: a full store once it fills, room again once a save gets through.</summary>
public sealed class StoreSpaceInterceptor(StoreSpace space) : ISaveChangesInterceptor, IDbCommandInterceptor
{
    public void SaveChangesFailed(DbContextErrorEventData eventData) => space.Failed(eventData.Exception);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        space.Failed(eventData.Exception);
        return Task.CompletedTask;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        space.Wrote();
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        space.Wrote();
        return ValueTask.FromResult(result);
    }

    // ExecuteUpdate and ExecuteDelete do not go through SaveChanges.
    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => space.Failed(eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        space.Failed(eventData.Exception);
        return Task.CompletedTask;
    }
}
