using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>
/// A self-signed RSA 2048 certificate with its private key, as a password-protected .pfx in a temporary folder: what
/// <c>DataProtection__CertificatePath</c> / <c>DataProtection__CertificatePassword</c> name, the same file for every node.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _folder;

    private TestCertificate(string folder, string path, string password, string thumbprint)
    {
        _folder = folder;
        Path = path;
        Password = password;
        Thumbprint = thumbprint;
    }

    /// <summary>The .pfx file.</summary>
    public string Path { get; }

    public string Password { get; }

    public string Thumbprint { get; }

    /// <summary>Makes a certificate valid from yesterday for a year (the day before: a clock a little behind still accepts it).</summary>
    public static TestCertificate Create(string subject = "CN=webhook-console-e2e-data-protection")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // Data Protection encrypts each key's XML to the certificate's public key (EncryptedXml): key encipherment.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.DigitalSignature, critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wc-e2e-cert-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, "data-protection.pfx");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return new TestCertificate(folder, path, password, certificate.Thumbprint);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
