using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace WebhookConsole.Web.Access;

/// <summary>
/// An open page (a Blazor circuit sends no requests) checks every <see cref="SignInOptions.RevalidateEvery"/> that its person
/// may still be signed in: a changed password, a reset, a new role or a removal signs them out there too, and so does
/// <see cref="SignInOptions.IdleTimeout"/> without a key press, click or scroll (<see cref="SessionActivity"/>).
/// </summary>
public sealed class RevalidatingSignInStateProvider(ILoggerFactory logger, IServiceScopeFactory scopes, SessionActivity activity,
    IOptions<SignInOptions> options)
    : RevalidatingServerAuthenticationStateProvider(logger)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidateEvery;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (state.User.Identity?.IsAuthenticated != true)
            return true;
        if (activity.IdleFor(state.User) >= options.Value.IdleTimeout)
            return false;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SignInService>().IsCurrentAsync(state.User, ct);
    }
}
