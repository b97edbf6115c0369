namespace ChatCompliance.Bot.Hosting;

/// <summary>
/// Where the server listens: wherever ASP.NET Core's own settings say (<c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>,
/// <c>--urls</c>, <c>Urls</c>, <c>ASPNETCORE_HTTP_PORTS</c> / <c>HTTPS_PORTS</c>, <c>Kestrel:Endpoints</c>), and only when
/// none of them is given, the Bot Framework's customary <c>http://localhost:3978</c> instead of ASP.NET Core's port 5000.
/// </summary>
internal static class DefaultAddress
{
    public const string Url = "http://localhost:3978";

    /// <summary>Whether any setting ASP.NET Core listens by is given, from any configuration source.</summary>
    public static bool IsAddressGiven(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>Listens on <see cref="Url"/> unless an address was given; a given one is left alone, whatever its source.</summary>
    public static WebApplicationBuilder UseDefaultAddressUnlessGiven(this WebApplicationBuilder builder)
    {
        if (!IsAddressGiven(builder.Configuration))
        {
            builder.WebHost.UseUrls(Url);
        }

        return builder;
    }
}
