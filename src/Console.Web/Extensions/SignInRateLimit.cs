using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using WebhookConsole.Web.Api;

namespace WebhookConsole.Web.Extensions;

/// <summary>
/// ASP.NET Core's rate limiter on the sign-in form: each address may post <c>SignIn:RateLimitPerMinute</c> times a
/// minute; past that it gets 429 with Retry-After. Nothing else is limited.
/// </summary>
public static class SignInRateLimit
{
    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, int perMinute) =>
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase)
                    ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("other"));
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many sign-in attempts",
                    $"This address tried to sign in too often. Try again in {seconds} s.");
            };
        });
}
