namespace ChatCompliance.Core.Domain;

/// <summary>A message to send, written in the same transaction as the change that causes it.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Unique: a second message with the same key is never written, so it is never sent twice.</summary>
    public required string IdempotencyKey { get; set; }

    public Platform Platform { get; set; }

    /// <summary>The conversation to post into.</summary>
    public Guid? ConversationReferenceId { get; set; }

    /// <summary>The person to reach when no conversation exists yet (a 1:1 is opened first).</summary>
    public Guid? RecipientPersonId { get; set; }

    /// <summary>What the message is (reminder, announcement, digest, …), for logs and metrics.</summary>
    public required string Kind { get; set; }

    /// <summary>The neutral card or text, as JSON.</summary>
    public required string Payload { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>
    /// The posted message this row replaces (a card update: the Teams activity id or Slack ts in the row's conversation);
    /// null for a new message. Sending a replacement twice shows the same card, so a cut-off one is always sent again.
    /// </summary>
    public string? ReplacesMessageId { get; set; }

    /// <summary>
    /// The message this one answers (a Teams activity id: the reply joins its thread in a channel), or null for a message
    /// of its own. A reply is queued when the question is decided; the HTTP request that asked is answered at once.
    /// </summary>
    public string? ReplyToId { get; set; }

    /// <summary>The platform's id of the sent message, so a later update can replace it.</summary>
    public string? SentMessageId { get; set; }

    public DateTimeOffset? DeadLetteredAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>What the card shows (an audit-trail subject type), so the sent copy is remembered as a <see cref="CardMessage"/> and updated later.</summary>
    public string? SubjectType { get; set; }

    public string? SubjectId { get; set; }

    public CardAudience? Audience { get; set; }

    /// <summary>The dispatcher instance sending it now; another instance leaves it alone until <see cref="ClaimedUntil"/>.</summary>
    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    /// <summary>When the current (or last) HTTP request for it started: set in the same statement that marks it "sending".</summary>
    public DateTimeOffset? SendStartedAt { get; set; }

    /// <summary>
    /// When a crash was found to have cut its send off and the platform could not say whether it arrived (Teams, or a
    /// Slack history that could not be read); its kind's policy then resent it or held it for a lead.
    /// </summary>
    public DateTimeOffset? InDoubtAt { get; set; }

    /// <summary>The incident (one alert to the leads) that reported it, once reported; null while not (yet) reported.</summary>
    public Guid? IncidentId { get; set; }
}
