namespace WebhookConsole.Engine.Security;

/// <summary>Encrypts secrets at rest (signing secrets, custom header values). The host supplies the implementation.</summary>
public interface ISecretProtector
{
    /// <summary>Returns an opaque protected form of <paramref name="plaintext"/>.</summary>
    string Protect(string plaintext);

    /// <summary>Returns the plaintext of a value made by <see cref="Protect"/>.</summary>
    string Unprotect(string protectedValue);
}
