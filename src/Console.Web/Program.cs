using WebhookConsole.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddConsoleWeb();

var app = builder.Build();
await app.InitializeConsoleAsync();
app.MapConsole();
app.Run();

/// <summary>Entry point; public so tests can find the assembly.</summary>
public partial class Program;
