using System.Net;
using System.Text.RegularExpressions;

namespace WebhookConsole.Tests.E2E.Infrastructure;

/// <summary>The sign-in form posted over plain HTTP, as a script (or an attacker) would: GET /login for the antiforgery token, then POST.</summary>
public sealed partial class SignInForm(Uri baseAddress, CookieContainer cookies) : IDisposable
{
    public SignInForm(Uri baseAddress) : this(baseAddress, new CookieContainer()) { }

    private readonly HttpClient _client = new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
    {
        BaseAddress = baseAddress,
    };

    /// <summary>The cookies the console set so far (the sign-in cookie, once a sign-in matched), as a browser would keep them.</summary>
    public CookieContainer Cookies { get; } = cookies;

    /// <summary>Posts <paramref name="email"/> and <paramref name="password"/>; returns the answer (a redirect when they matched).</summary>
    public async Task<HttpResponseMessage> PostAsync(string email, string password)
    {
        var page = await _client.GetStringAsync("login");
        var input = AntiforgeryInput().Match(page);
        Assert.True(input.Success, "the sign-in page has no antiforgery token");
        var token = ValueAttribute().Match(input.Value);
        return await _client.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
