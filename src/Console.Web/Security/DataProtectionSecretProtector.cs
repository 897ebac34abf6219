using Microsoft.AspNetCore.DataProtection;
using WebhookConsole.Engine.Security;

namespace WebhookConsole.Web.Security;

/// <summary>Protects stored secrets with ASP.NET Core Data Protection (keys beside the database).</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("WebhookConsole.Secrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);
}
