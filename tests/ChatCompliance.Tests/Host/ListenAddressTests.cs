using System.Net;
using ChatCompliance.Bot.Hosting;
using ChatCompliance.Tests.Reliability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace ChatCompliance.Tests.Host;

/// <summary>The standard ASP.NET Core knobs say where the real process listens; port 3978 only when none is given.</summary>
public sealed class ListenAddressTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-listen-").FullName;

    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("DOTNET_URLS")]
    [InlineData("--urls")]
    public async Task The_bot_serves_healthz_where_the_standard_setting_says(string setting)
    {
        var by = setting switch
        {
            "ASPNETCORE_URLS" => BotServer.AddressGivenBy.AspNetCoreUrls,
            "DOTNET_URLS" => BotServer.AddressGivenBy.DotnetUrls,
            _ => BotServer.AddressGivenBy.UrlsArgument,
        };

        using var bot = await BotServer.StartAsync(Environment(), by);

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"{bot.Url}/healthz"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{bot.Output}");
    }

    [Fact]
    public async Task The_urls_argument_outranks_ASPNETCORE_URLS()
    {
        var unused = $"http://127.0.0.1:{BotServer.FreePort()}";

        using var bot = await BotServer.StartAsync(Environment(("ASPNETCORE_URLS", unused)), BotServer.AddressGivenBy.UrlsArgument);

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"{unused}/healthz")));
    }

    [Fact]
    public async Task ASPNETCORE_ENVIRONMENT_chooses_the_hosting_environment()
    {
        using var production = await BotServer.StartAsync(Environment(("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information")));
        using var development = await BotServer.StartAsync(Environment(("ASPNETCORE_ENVIRONMENT", "Development"), ("Storage__SqliteFileName", "development.db"),
            ("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information")));

        Assert.Contains("Hosting environment: Production", production.Output, StringComparison.Ordinal);
        Assert.Contains("Hosting environment: Development", development.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting environment: Development", production.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAddressGiven_NothingSet_IsFalse()
    {
        Assert.False(DefaultAddress.IsAddressGiven(Configuration()));
        Assert.False(DefaultAddress.IsAddressGiven(Configuration(("urls", ""))));
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:8080")]
    [InlineData("Urls", "http://+:80")]
    [InlineData("http_ports", "8080")]
    [InlineData("https_ports", "8443")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://localhost:5005")]
    public void IsAddressGiven_AnyAddressSetting_IsTrue(string key, string value)
    {
        Assert.True(DefaultAddress.IsAddressGiven(Configuration((key, value))));
    }

    [Fact]
    public void UseDefaultAddressUnlessGiven_NoAddress_Listens_on_3978()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection([new("urls", null), new("http_ports", null), new("https_ports", null)]);

        builder.UseDefaultAddressUnlessGiven();

        Assert.Equal("http://localhost:3978", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void UseDefaultAddressUnlessGiven_UrlsArgument_IsKept()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:5123"] });

        builder.UseDefaultAddressUnlessGiven();

        Assert.Equal("http://127.0.0.1:5123", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private Dictionary<string, string> Environment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = _data,
            ["Jobs__WorkerCount"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }
}
