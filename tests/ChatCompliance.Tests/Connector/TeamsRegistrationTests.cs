using ChatCompliance.Integrations.Teams;
using ChatCompliance.Integrations.Teams.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Tests.Connector;

public sealed class TeamsRegistrationTests
{
    [Fact]
    public void AddTeams_BotFrameworkRootKeysAndTeamsSection_BindTogether()
    {
        using var services = Build(new()
        {
            ["MicrosoftAppId"] = "app",
            ["MicrosoftAppPassword"] = "secret",
            ["MicrosoftAppTenantId"] = "tenant",
            ["Teams:TokenScope"] = "https://example.test/.default",
            ["Teams:Connector:ConversationPerSecond"] = "3",
        });

        var teams = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
        Assert.Equal("app", teams.MicrosoftAppId);
        Assert.Equal("secret", teams.MicrosoftAppPassword);
        Assert.Equal("tenant", teams.TokenTenant);
        Assert.Equal("https://example.test/.default", teams.TokenScope);
        Assert.Equal(3, services.GetRequiredService<IOptions<BotConnectorOptions>>().Value.ConversationPerSecond);
        Assert.IsType<BotConnectorClient>(services.GetRequiredService<IBotConnector>());
    }

    [Fact]
    public void AddTeams_AppIdWithoutPassword_FailsNamingTheSetting()
    {
        using var services = Build(new() { ["MicrosoftAppId"] = "app" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TeamsOptions>>().Value);
        Assert.Contains("MicrosoftAppPassword", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTeams_NoAppId_IsLocalModeAndValid()
    {
        using var services = Build([]);

        Assert.True(services.GetRequiredService<IOptions<TeamsOptions>>().Value.IsLocalMode);
    }

    [Fact]
    public void AddTeams_MultiTenantInProductionWithoutAllowList_FailsSayingHowToAllowTenants()
    {
        using var services = Build(new() { ["MicrosoftAppId"] = "app", ["MicrosoftAppPassword"] = "secret", ["MicrosoftAppType"] = "MultiTenant" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TeamsOptions>>().Value);
        Assert.Contains("Teams:AllowedTenants", e.Message, StringComparison.Ordinal);
        Assert.Contains("Teams:AllowAllTenants=true", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Teams:AllowAllTenants", "true", "Production")]
    [InlineData("Teams:AllowedTenants:0", "tenant-a", "Production")]
    [InlineData("Teams:Unrelated", "x", "Development")]
    public void AddTeams_MultiTenantWithAnExplicitChoiceOrOutsideProduction_Starts(string key, string value, string environment)
    {
        using var services = Build(new() { ["MicrosoftAppId"] = "app", ["MicrosoftAppPassword"] = "secret", ["MicrosoftAppType"] = "MultiTenant", [key] = value }, environment);

        Assert.True(services.GetRequiredService<IOptions<TeamsOptions>>().Value.IsMultiTenant);
    }

    [Fact]
    public void AddTeams_SingleTenantWithoutTenantId_FailsNamingTheSetting()
    {
        using var services = Build(new() { ["MicrosoftAppId"] = "app", ["MicrosoftAppPassword"] = "secret" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TeamsOptions>>().Value);
        Assert.Contains("MicrosoftAppTenantId", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://smba.trafficmanager.net/")]
    [InlineData("not a url")]
    [InlineData("https://smba.trafficmanager.net/?x=1")]
    public void AddTeams_UnsafeAllowedServiceUrl_FailsNamingTheSetting(string prefix)
    {
        using var services = Build(new() { ["MicrosoftAppId"] = "app", ["MicrosoftAppPassword"] = "secret", ["MicrosoftAppTenantId"] = "t", ["Teams:AllowedServiceUrls:0"] = prefix });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TeamsOptions>>().Value);
        Assert.Contains("Teams:AllowedServiceUrls", e.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string environment = "Production")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new() { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTeams();
        return builder.Services.BuildServiceProvider();
    }
}
