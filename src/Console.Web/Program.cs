using WebhookConsole.Web.Backup;
using WebhookConsole.Web.Extensions;

if (BackupCommand.Matches(args))
    return await BackupCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddConsoleWeb();

var app = builder.Build();
await app.InitializeConsoleAsync();
app.MapConsole();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so tests can find the assembly.</summary>
public partial class Program;
