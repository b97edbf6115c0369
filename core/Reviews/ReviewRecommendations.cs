using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Reviews;

/// <summary>What the bot suggests for one account, and why; the reviewer decides.</summary>
public static class ReviewRecommendations
{
    /// <summary>
    /// Revoke when the account is disabled, a guest has no sponsor, or nobody signed in for <paramref name="inactiveDays"/>
    /// days (or ever, when the source tracks sign-ins); keep otherwise.
    /// </summary>
    public static (ReviewRecommendation Recommendation, string Reason) Recommend(DirectoryAccount account, DateTimeOffset now, int inactiveDays)
    {
        if (!account.AccountEnabled)
        {
            return (ReviewRecommendation.Revoke, "account disabled");
        }

        if (account.IsGuest && account.HasSponsor == false)
        {
            return (ReviewRecommendation.Revoke, "guest without a sponsor");
        }

        if (account.SignInKnown)
        {
            if (account.LastSignInAt is not { } last)
            {
                return (ReviewRecommendation.Revoke, "never signed in");
            }

            var idle = (int)Math.Floor((now - last).TotalDays);
            if (idle >= inactiveDays)
            {
                return (ReviewRecommendation.Revoke, $"no sign-in for {idle} days");
            }
        }

        return (ReviewRecommendation.Keep, account.SignInKnown ? "active account" : "enabled account (sign-ins not tracked)");
    }
}
