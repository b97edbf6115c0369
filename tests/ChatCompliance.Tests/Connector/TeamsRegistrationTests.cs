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

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTeams();
        return builder.Services.BuildServiceProvider();
    }
}
