using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace WebhookConsole.Engine.Persistence;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks (an INTEGER), so SQLite can index and sort it.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>Stores a <see cref="DateTimeOffset"/> as the same instant at offset 0, which is all PostgreSQL's timestamptz takes.</summary>
public sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    v => v.ToUniversalTime(),
    v => v);
