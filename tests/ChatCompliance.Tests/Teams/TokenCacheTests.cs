using ChatCompliance.Integrations.Teams;
using ChatCompliance.Integrations.Teams.Auth;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Teams;

/// <summary>The Bot Framework sends one token with many activities: its signature is checked once, its lifetime every time.</summary>
public sealed class TokenCacheTests : IDisposable
{
    private readonly BotFrameworkFakes _fakes = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    [Fact]
    public async Task A_token_seen_before_is_still_refused_once_it_expires()
    {
        var now = DateTime.UtcNow;
        var time = new FakeTimeProvider(new DateTimeOffset(now));
        using var authenticator = Authenticator(time);
        var token = "Bearer " + _fakes.Token(notBefore: now.AddMinutes(-1), expires: now.AddMinutes(10));

        Assert.True((await authenticator.AuthenticateAsync(token)).Succeeded);
        Assert.True((await authenticator.AuthenticateAsync(token)).Succeeded);

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)); // past expiry and the 5-minute skew
        Assert.False((await authenticator.AuthenticateAsync(token)).Succeeded);
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered_as_good()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var authenticator = Authenticator(time);
        var wrongAudience = "Bearer " + _fakes.Token(audience: "someone-else");

        Assert.False((await authenticator.AuthenticateAsync(wrongAudience)).Succeeded);
        Assert.False((await authenticator.AuthenticateAsync(wrongAudience)).Succeeded);
    }

    private BotFrameworkAuthenticator Authenticator(TimeProvider time) => new(
        Options.Create(new TeamsOptions { MicrosoftAppId = BotFrameworkFakes.AppId, OpenIdMetadataUrl = $"{_fakes.Url}/openid" }),
        _services.GetRequiredService<IHttpClientFactory>(), time, NullLogger<BotFrameworkAuthenticator>.Instance);

    public void Dispose()
    {
        _services.Dispose();
        _fakes.Dispose();
    }
}
