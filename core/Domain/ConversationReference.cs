namespace ChatCompliance.Core.Domain;

public enum ConversationScope
{
    Personal = 0,
    GroupChat = 1,
    Channel = 2,
}

/// <summary>What the bot needs to post into a conversation without being spoken to first.</summary>
public sealed class ConversationReference
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Platform Platform { get; set; }

    public ConversationScope Scope { get; set; }

    /// <summary>Teams conversation id, or Slack channel / IM id.</summary>
    public required string ConversationId { get; set; }

    /// <summary>Teams: the connector's base address for this conversation.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Teams tenant id or Slack workspace (team) id.</summary>
    public string? TenantId { get; set; }

    /// <summary>Teams team id for channel conversations.</summary>
    public string? TeamId { get; set; }

    /// <summary>The bot's own id on the platform (Teams <c>28:…</c>, Slack <c>B…</c>/<c>U…</c>).</summary>
    public string? BotId { get; set; }

    /// <summary>The platform user id in a personal conversation.</summary>
    public string? UserId { get; set; }

    public Guid? PersonId { get; set; }

    public string? Name { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
