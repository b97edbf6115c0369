namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// An interactivity request's payload, read and checked by <see cref="SlackInbound.TryReadInteraction"/>: a
/// <see cref="SlackBlockActions"/>, a <see cref="SlackViewSubmission"/>, or another type, which is acknowledged and ignored.
/// </summary>
/// <param name="Type">The payload's type.</param>
/// <param name="Origin">The workspace and app it names (<c>team.id</c>, else <c>user.team_id</c>).</param>
/// <param name="User">Who acted.</param>
public record SlackInteraction(string Type, SlackOrigin Origin, SlackActor User);
