using ChatCompliance.Integrations.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Tests.SlackWebApi;

public sealed class SlackWebApiRegistrationTests
{
    [Fact]
    public void AddSlack_BoltEnvironmentRootKeys_FillEmptyTokenAndSecret()
    {
        using var services = Build(new()
        {
            ["SLACK_BOT_TOKEN"] = "test-token-from-env",
            ["SLACK_SIGNING_SECRET"] = "secret-from-env",
            ["Slack:PostMessageInterval"] = "00:00:02",
            ["Slack:TeamId"] = "T1",
            ["Slack:AppId"] = "A1",
        });

        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        Assert.Equal("test-token-from-env", options.BotToken);
        Assert.Equal("secret-from-env", options.SigningSecret);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PostMessageInterval);
        Assert.Equal("https://slack.com/api/", options.ApiBaseUrl);
        Assert.IsType<SlackWebApiClient>(services.GetRequiredService<ISlackWebApi>());
    }

    [Fact]
    public void AddSlack_SectionValues_WinOverEnvironmentRootKeys()
    {
        using var services = Build(new()
        {
            ["Slack:BotToken"] = "test-token-section",
            ["Slack:SigningSecret"] = "secret-section",
            ["SLACK_BOT_TOKEN"] = "test-token-from-env",
            ["SLACK_SIGNING_SECRET"] = "secret-from-env",
            ["Slack:TeamId"] = "T1",
            ["Slack:AppId"] = "A1",
        });

        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        Assert.Equal(("test-token-section", "secret-section"), (options.BotToken, options.SigningSecret));
    }

    [Fact]
    public void AddSlack_TokenWithoutSigningSecret_FailsNamingTheSetting()
    {
        using var services = Build(new() { ["SLACK_BOT_TOKEN"] = "test-token-from-env" });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SlackOptions>>().Value);
        Assert.Contains("SLACK_SIGNING_SECRET", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "A1")]
    [InlineData("T1", null)]
    public void AddSlack_SigningSecretInProductionWithoutWorkspaceOrApp_FailsNamingTheSettings(string? team, string? app)
    {
        using var services = Build(new() { ["SLACK_SIGNING_SECRET"] = "secret", ["Slack:TeamId"] = team, ["Slack:AppId"] = app });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SlackOptions>>().Value);
        Assert.Contains("Slack:TeamId and Slack:AppId", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlack_SigningSecretInProductionWithAnyWorkspaceAllowedExplicitly_Starts()
    {
        using var services = Build(new() { ["SLACK_SIGNING_SECRET"] = "secret", ["Slack:AllowAnyWorkspace"] = "true" });

        Assert.True(services.GetRequiredService<IOptions<SlackOptions>>().Value.AllowAnyWorkspace);
    }

    [Fact]
    public void AddSlack_SigningSecretInDevelopmentWithoutWorkspaceOrApp_Starts()
    {
        using var services = Build(new() { ["SLACK_SIGNING_SECRET"] = "secret" }, "Development");

        Assert.Null(services.GetRequiredService<IOptions<SlackOptions>>().Value.TeamId);
    }

    [Fact]
    public void AddSlack_MethodTiers_CoverEveryClientMethod()
    {
        string[] methods = ["chat.update", "chat.postEphemeral", "views.open", "views.publish", "conversations.open", "users.lookupByEmail", "users.info"];

        Assert.All(methods, m => Assert.True(SlackRateLimiter.Tiers.ContainsKey(m), m));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, string environment = "Production")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new() { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSlack();
        return builder.Services.BuildServiceProvider();
    }
}
