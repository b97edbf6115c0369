using System.Text;
using ChatCompliance.Integrations.Slack;

namespace ChatCompliance.Tests.Slack;

public sealed class SlackSignatureTests
{
    // Slack's documented example (docs.slack.dev, "Verifying requests from Slack").
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset Then = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Sign_SlacksDocumentedExample_GivesTheDocumentedSignature()
    {
        Assert.Equal(Expected, SlackSignature.Sign(Secret, Timestamp, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void Verify_DocumentedExampleAtItsTime_IsValid()
    {
        Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body), Then.AddSeconds(30)));
    }

    [Theory]
    [InlineData(6 * 60, SlackSignatureResult.Stale)]
    [InlineData(-6 * 60, SlackSignatureResult.FutureDated)]
    [InlineData(4 * 60, SlackSignatureResult.Valid)]
    [InlineData(-4 * 60, SlackSignatureResult.Valid)]
    public void Verify_TimestampFarFromNow_IsRefusedEitherWay(int offsetSeconds, SlackSignatureResult expected)
    {
        Assert.Equal(expected, SlackSignature.Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(Body), Then.AddSeconds(offsetSeconds)));
    }

    [Fact]
    public void Verify_TamperedBody_IsAMismatch()
    {
        var tampered = Body.Replace("roadrunner", "coyote", StringComparison.Ordinal);

        Assert.Equal(SlackSignatureResult.Mismatch, SlackSignature.Verify(Secret, Timestamp, Expected, Encoding.UTF8.GetBytes(tampered), Then));
    }

    [Theory]
    [InlineData(null, Expected, SlackSignatureResult.MissingHeaders)]
    [InlineData(Timestamp, null, SlackSignatureResult.MissingHeaders)]
    [InlineData("not-a-number", Expected, SlackSignatureResult.BadTimestamp)]
    [InlineData(Timestamp, "v0=0000", SlackSignatureResult.Mismatch)]
    [InlineData(Timestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SlackSignatureResult.Mismatch)]
    public void Verify_MissingOrWrongHeaders_IsRefused(string? timestamp, string? signature, SlackSignatureResult expected)
    {
        Assert.Equal(expected, SlackSignature.Verify(Secret, timestamp, signature, Encoding.UTF8.GetBytes(Body), Then));
    }

    [Fact]
    public void Verify_WrongSecret_IsAMismatch()
    {
        Assert.Equal(SlackSignatureResult.Mismatch, SlackSignature.Verify("another-secret", Timestamp, Expected, Encoding.UTF8.GetBytes(Body), Then));
    }
}
