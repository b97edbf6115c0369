namespace ChatCompliance.Core.Domain;

/// <summary>What a channel subscribes to.</summary>
public enum SubscriptionTopic
{
    /// <summary>The weekly digest for compliance leads.</summary>
    Digests = 0,
    /// <summary>Audit countdowns and certificate / report warnings.</summary>
    Audits = 1,
}

/// <summary>A Teams or Slack conversation (usually a channel) that gets announcements or digests.</summary>
public sealed class ChannelSubscription
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid ConversationReferenceId { get; set; }

    public ConversationReference? Conversation { get; set; }

    public SubscriptionTopic Topic { get; set; }

    public Guid? SubscribedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
