using ChatCompliance.Integrations.Teams;
using ChatCompliance.Integrations.Teams.Auth;

namespace ChatCompliance.Tests.Security;

public sealed class ServiceUrlPolicyTests
{
    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/emea/", true)]
    [InlineData("https://SMBA.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/", true)]
    [InlineData("http://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net.attacker.example/amer/", false)]
    [InlineData("https://attacker.example/smba.trafficmanager.net/", false)]
    [InlineData("https://smba.trafficmanager.net:8443/amer/", false)]
    [InlineData("https://user@smba.trafficmanager.net/amer/", false)]
    [InlineData("not a url", false)]
    public void IsAllowed_DefaultBotFrameworkHosts_AllowsOnlyThem(string serviceUrl, bool allowed) =>
        Assert.Equal(allowed, ServiceUrlPolicy.IsAllowed(serviceUrl, TeamsOptions.BotFrameworkServiceUrls));

    [Theory]
    [InlineData("https://eu.bots.example.com/api/", true)]
    [InlineData("https://bots.example.com/api/", false)]
    [InlineData("https://evilbots.example.com/api/", false)]
    [InlineData("https://eu.bots.example.com/apix/", false)]
    public void IsAllowed_WildcardHostAndPathPrefix_MatchesSubdomainsUnderThePath(string serviceUrl, bool allowed) =>
        Assert.Equal(allowed, ServiceUrlPolicy.IsAllowed(serviceUrl, ["https://*.bots.example.com/api/"]));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer", true)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://SMBA.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/AMER/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer/x", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "http://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net:444/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer/?a=b", false)]
    [InlineData(null, "https://smba.trafficmanager.net/amer/", false)]
    public void SameEndpoint_ComparesSchemeHostPortAndPath(string? claimed, string actual, bool same) =>
        Assert.Equal(same, ServiceUrlPolicy.SameEndpoint(claimed, actual));
}
