using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WebhookConsole.Engine.Persistence;

namespace WebhookConsole.Engine.Contacts;

/// <summary>What an upsert did to a contact.</summary>
public enum ContactChange { Created, Updated, Unchanged }

/// <summary>The contact after an upsert, what happened, and which fields changed.</summary>
public sealed record ContactUpsert(Contact Contact, ContactChange Change, IReadOnlyList<string> ChangedFields);

/// <summary>The mapping gave nothing to match or create a contact by.</summary>
public sealed class ContactDataException(string message) : Exception(message);

/// <summary>Reads contacts and upserts them by phone or email.</summary>
public sealed class ContactService(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    /// <summary>One page of contacts, most recently changed first, optionally filtered by name, phone, email or source.</summary>
    public async Task<(IReadOnlyList<Contact> Items, int Total)> QueryAsync(string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<Contact>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            var lower = s.ToLowerInvariant();
            query = query.Where(c => (c.Name != null && c.Name.Contains(s)) || (c.Phone != null && c.Phone.Contains(s)) ||
                                     (c.Email != null && c.Email.Contains(lower)) || c.Source.Contains(s));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.UpdatedAt).Skip(skip).Take(take).ToListAsync(ct);
        return (items, total);
    }

    public async Task<Contact?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Contact>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
    }

    /// <summary>
    /// Finds the contact with the same phone (else the same email) and fills in what the data brings, or creates one.
    /// Adds to <paramref name="db"/> without saving, so the caller commits it with its own change.
    /// </summary>
    public static async Task<ContactUpsert> UpsertAsync(ConsoleDbContext db, ContactData data, string source, Guid? inboundId,
        DateTimeOffset now, CancellationToken ct)
    {
        if (data.Phone is null && data.Email is null)
            throw new ContactDataException("The mapping gave the contact neither a phone nor an email, and a contact is matched by one of them. " +
                                           "Map a field to contact.phone or contact.email (and check the request has it).");
        var contacts = db.Set<Contact>();
        var existing = data.Phone is not null ? await contacts.FirstOrDefaultAsync(c => c.Phone == data.Phone, ct) : null;
        if (existing is null && data.Email is not null)
            existing = await contacts.FirstOrDefaultAsync(c => c.Email == data.Email, ct);

        if (existing is null)
        {
            var created = new Contact
            {
                Name = data.Name, Phone = data.Phone, Email = data.Email, Address = data.Address, Attributes = [.. data.Attributes],
                Source = source, SourceInboundId = inboundId, CreatedAt = now, UpdatedAt = now,
            };
            contacts.Add(created);
            return new ContactUpsert(created, ContactChange.Created, []);
        }

        var changed = new List<string>();
        void Set(string name, string? value, Func<string?> get, Action<string?> set)
        {
            if (value is null || value == get()) return;
            set(value);
            changed.Add(name);
        }
        Set("name", data.Name, () => existing.Name, v => existing.Name = v);
        Set("phone", data.Phone, () => existing.Phone, v => existing.Phone = v);
        Set("email", data.Email, () => existing.Email, v => existing.Email = v);
        Set("address", data.Address, () => existing.Address, v => existing.Address = v);
        var attributes = existing.Attributes.ToList();
        foreach (var attribute in data.Attributes)
        {
            var index = attributes.FindIndex(a => a.Key == attribute.Key);
            if (index >= 0 && attributes[index].Value == attribute.Value) continue;
            if (index >= 0) attributes[index] = attribute; else attributes.Add(attribute);
            changed.Add("custom_fields." + attribute.Key);
        }
        if (changed.Count == 0)
            return new ContactUpsert(existing, ContactChange.Unchanged, []);
        existing.Attributes = attributes;
        existing.UpdatedAt = now;
        return new ContactUpsert(existing, ContactChange.Updated, changed);
    }

    /// <summary>The data of the <c>contact.created</c> / <c>contact.updated</c> event for an upsert (the catalog's shape).</summary>
    public static JsonObject EventData(ContactUpsert upsert)
    {
        var c = upsert.Contact;
        var data = new JsonObject
        {
            ["id"] = c.Id.ToString(),
            ["name"] = c.Name,
            ["phone"] = c.Phone,
            ["email"] = c.Email,
            ["address"] = c.Address,
            ["custom_fields"] = new JsonObject(c.Attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
            ["source"] = c.Source,
        };
        if (upsert.Change == ContactChange.Created)
            data["created_at"] = Iso(c.CreatedAt);
        else
        {
            data["changed_fields"] = new JsonArray(upsert.ChangedFields.Select(f => (JsonNode?)f).ToArray());
            data["updated_at"] = Iso(c.UpdatedAt);
        }
        return data;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
