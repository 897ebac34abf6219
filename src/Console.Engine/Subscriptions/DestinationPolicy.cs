using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace WebhookConsole.Engine.Subscriptions;

/// <summary>Decides which destination URLs and addresses outbound calls may reach (SSRF protection).</summary>
public sealed class DestinationPolicy(IOptions<WebhookEngineOptions> options)
{
    private static readonly IPAddress MetadataV4 = IPAddress.Parse("169.254.169.254");

    /// <summary>Why <paramref name="url"/> may not be used as a destination, or null when it may.</summary>
    public string? CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "Enter an absolute http(s) URL, e.g. https://example.com/webhooks.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "Put credentials in a custom header, not in the URL.";
        // The address problem first: "that is the metadata service" says more than "use https".
        if (AddressProblem(uri) is { } addressProblem)
            return addressProblem;
        if (uri.Scheme == Uri.UriSchemeHttp && !options.Value.AllowHttp)
            return "The URL must use https. (Plain http is refused unless the setting Webhooks:AllowHttp is true.)";
        return null;
    }

    private string? AddressProblem(Uri uri)
    {
        if (options.Value.AllowPrivateNetworks)
            return null;
        var host = uri.IdnHost.TrimStart('[').TrimEnd(']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return $"{uri.Host} is this machine (loopback). Private networks are refused unless the setting Webhooks:AllowPrivateNetworks is true.";
        return IPAddress.TryParse(host, out var address) ? CheckAddress(address) : null;
    }

    /// <summary>Why a connection to <paramref name="address"/> is refused, or null when it is allowed.</summary>
    public string? CheckAddress(IPAddress address)
    {
        if (options.Value.AllowPrivateNetworks)
            return null;
        var kind = Classify(address);
        return kind is null ? null
            : $"{address} is {kind}. Private networks are refused unless the setting Webhooks:AllowPrivateNetworks is true.";
    }

    /// <summary>What kind of non-public address this is ("loopback", "a private address"…), or null for a public one.</summary>
    public static string? Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return "this machine (loopback)";
        if (address.Equals(MetadataV4) || address.Equals(IPAddress.Parse("fd00:ec2::254")))
            return "the cloud metadata service";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "an unspecified address",
                10 => "a private address",
                100 when b[1] is >= 64 and <= 127 => "a shared (carrier-grade NAT) address",
                169 when b[1] == 254 => "a link-local address",
                172 when b[1] is >= 16 and <= 31 => "a private address",
                192 when b[1] == 168 => "a private address",
                192 when b[1] == 0 && b[2] is 0 or 2 => "a reserved address",
                198 when b[1] is 18 or 19 => "a reserved (benchmarking) address",
                198 when b[1] == 51 && b[2] == 100 => "a reserved (documentation) address",
                203 when b[1] == 0 && b[2] == 113 => "a reserved (documentation) address",
                >= 224 => "a multicast or reserved address",
                _ => null,
            };
        }
        if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address";
        if (address.IsIPv6LinkLocal) return "a link-local address";
        if (address.IsIPv6SiteLocal || (address.GetAddressBytes()[0] & 0xFE) == 0xFC) return "a private address";
        if (address.IsIPv6Multicast) return "a multicast address";
        return null;
    }
}

/// <summary>Thrown at connect time when a destination resolves to an address the policy refuses.</summary>
public sealed class DestinationRefusedException(string message) : Exception(message);
