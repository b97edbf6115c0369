using ChatCompliance.Jobs.Outbox;

namespace ChatCompliance.Tests.Outbox;

public sealed class OutboxFailureTests
{
    [Fact]
    public void Classify_Timeout_IsPermanentSoItCannotArriveTwice()
    {
        var failure = OutboxFailure.Classify(new TaskCanceledException("The operation was canceled."));

        Assert.True(failure.Permanent);
        Assert.StartsWith("The send timed out, so the message may or may not have arrived", failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_TimeoutWhenResendingUncertainSends_IsRetried() =>
        Assert.False(OutboxFailure.Classify(new TimeoutException("slow"), resendUncertain: true).Permanent);

    [Fact]
    public void Classify_RefusedConnection_IsRetried() =>
        Assert.False(OutboxFailure.Classify(new HttpRequestException("Connection refused")).Permanent);
}
