using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Access;
using WebhookConsole.Engine.Audit;
using WebhookConsole.Engine.Delivery;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Persistence;

/// <summary>
/// The store, on SQLite or PostgreSQL (<see cref="StoreProvider"/>); each has its own migrations assembly. Created per operation
/// through <see cref="IDbContextFactory{TContext}"/>. On PostgreSQL it also keeps the Data Protection keys every node shares.
/// </summary>
public sealed class ConsoleDbContext(DbContextOptions<ConsoleDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<WebhookSubscription> Subscriptions => Set<WebhookSubscription>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<WebhookDelivery> Deliveries => Set<WebhookDelivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<EndpointPacing> EndpointPacing => Set<EndpointPacing>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AdminUser>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Email).IsUnique();
            e.Property(x => x.Email).HasMaxLength(256);
            e.Property(x => x.Role).HasMaxLength(16).HasDefaultValue(Roles.Admin);
            e.Property(x => x.SecurityStamp).HasMaxLength(64).HasDefaultValue("initial");
        });
        modelBuilder.Entity<ApiKey>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Prefix).HasMaxLength(32);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.Scope).HasMaxLength(16).HasDefaultValue(ApiKeyScopes.Full);
            e.Ignore(x => x.IsActive);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.TargetType, x.TargetId });
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.TargetType).HasMaxLength(64);
            e.Property(x => x.TargetId).HasMaxLength(64);
        });
        modelBuilder.Entity<WebhookSubscription>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Events).AsJson();
            e.Property(x => x.Headers).AsJson();
            e.Property(x => x.RetrySchedule).AsJson();
            e.Ignore(x => x.Status);
        });
        modelBuilder.Entity<EventRecord>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(200);
            e.HasIndex(x => x.ReceivedAt);
        });
        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.TraceParent).HasMaxLength(128);
            e.Property(x => x.ClaimedBy).HasMaxLength(128);
            // The dispatcher's question: what is due now?
            e.HasIndex(x => new { x.State, x.NextAttemptAt });
            e.HasIndex(x => new { x.SubscriptionId, x.CreatedAt });
            e.HasIndex(x => x.EventId);
            e.HasIndex(x => x.ReplayId);
            // A node's claims, for renewing its leases and releasing them at a stop (PostgreSQL).
            e.HasIndex(x => x.ClaimedBy);
        });
        modelBuilder.Entity<EndpointPacing>(e => e.HasKey(x => x.SubscriptionId));
        modelBuilder.Entity<DeliveryAttempt>(e =>
        {
            e.HasKey(x => x.Id);
            // The delivery log pages newest first, whole or filtered; each filter has an index ending in the sort key.
            e.HasIndex(x => x.At);
            e.HasIndex(x => new { x.SubscriptionId, x.At });
            e.HasIndex(x => new { x.Succeeded, x.At });
            e.HasIndex(x => new { x.EventType, x.At });
            e.HasIndex(x => x.DeliveryId);
            // "A test was sent" (the Overview's first-run step) without scanning a day of attempts: only the tests are in it.
            e.HasIndex(x => x.IsTest).HasDatabaseName("IX_DeliveryAttempts_Tests").HasFilter("\"IsTest\"");
        });
        // Features added later keep their mapping beside their entities, as IEntityTypeConfiguration classes.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ConsoleDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks so indexes and ORDER BY work.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
        }
        else
        {
            // PostgreSQL's timestamptz holds an instant; Npgsql writes only offset 0, so a time given with another offset is made UTC.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
        }
    }
}
