using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Edge;

/// <summary>The reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (<c>10.0.0.5</c>); none by default, so forwarded headers are ignored.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>10.0.0.0/24</c>); none by default.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Forwarded headers are honoured only from configured proxies. ASP.NET Core trusts loopback by default; that default
/// is cleared, so a process on the same machine (or a misrouted request) cannot claim to be someone else.
/// </summary>
internal static class ProxyHeaders
{
    public static IHostApplicationBuilder AddProxyHeaders(this IHostApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>() ?? new ProxyOptions();
        var addresses = new List<IPAddress>();
        foreach (var text in proxies.KnownProxies)
        {
            addresses.Add(IPAddress.TryParse(text.Trim(), out var address) ? address
                : throw new OptionsValidationException(ProxyOptions.SectionName, typeof(ProxyOptions), [$"ForwardedHeaders:KnownProxies: '{text}' is not an IP address."]));
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var text in proxies.KnownNetworks)
        {
            networks.Add(System.Net.IPNetwork.TryParse(text.Trim(), out var network) ? network
                : throw new OptionsValidationException(ProxyOptions.SectionName, typeof(ProxyOptions), [$"ForwardedHeaders:KnownNetworks: '{text}' is not a network in CIDR notation (10.0.0.0/24)."]));
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Empty lists would mean "trust every sender" to the middleware: with no proxy configured, forward nothing.
            o.ForwardedHeaders = addresses.Count + networks.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            addresses.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return builder;
    }
}
