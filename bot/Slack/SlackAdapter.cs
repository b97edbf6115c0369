using System.Text.Json.Nodes;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Bot.Web;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Integrations.Slack.Blocks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Slack;

/// <summary>
/// Turns Slack events, commands and clicks into neutral events, and neutral replies into a slash command's
/// acknowledgement, an ephemeral message, or a message queued in the outbox (sent at Slack's pace, retried, recovered).
/// </summary>
internal sealed partial class SlackAdapter(ComplianceDbContext db, ConversationDirectory directory, ConversationService conversation, ConversationReplies replies, IServiceProvider services, KnownConversations known, TimeProvider time, IOptions<SlackOptions> options, ILogger<SlackAdapter> logger)
{
    // Typed HTTP clients, built when first used: a slash command answered in its acknowledgement needs neither.
    private ISlackWebApi Slack => field ??= services.GetRequiredService<ISlackWebApi>();

    private SlackResponseUrl Responses => field ??= services.GetRequiredService<SlackResponseUrl>();

    public async Task<BlockKitMessage> OnCommandAsync(SlackCommand slash, CancellationToken cancellationToken)
    {
        if (TextRule.StorageProblem(slash.Text, "message") is not null)
        {
            return Render(ConversationService.Unstorable)!; // refused before anything is remembered
        }

        // The answer is the acknowledgement, due within 3 s. Before a command, a user not seen in the last minutes is linked
        // to their person (users.info, bounded by Slack:IdentityTimeout), so a lead's first command is handled as the lead.
        // A question acts for nobody: it is answered at once, and whoever asked is linked by their first command.
        var team = slash.Origin.TeamId;
        var sender = new ChatUser(Platform.Slack, slash.UserId, null, null, team);
        var command = slash.Text.Trim();
        var link = !known.IsConfirmed(sender) && !ConversationService.IsQuestion(command);
        if (await RememberAsync(team, slash.ChannelId, slash.UserId, link, cancellationToken) is not { } reference)
        {
            return Render(IdentityUnconfirmed)!;
        }

        command = command.ToLowerInvariant() switch
        {
            "tasks" => "my tasks",
            "reviews" => "my reviews",
            _ => command,
        };
        var reply = await conversation.HandleAsync(new ChatEvent(ChatEventKind.Message, sender, reference, Text: command), cancellationToken);
        return Render(reply) ?? BlockKitRenderer.Render(QuestionCards.Help());
    }

    public async Task OnEventAsync(SlackOrigin origin, string eventId, SlackEvent slackEvent, CancellationToken cancellationToken)
    {
        if (!slackEvent.IsFromPerson)
        {
            return;
        }

        var user = slackEvent.User!;
        if (slackEvent.Type == "app_home_opened")
        {
            // The App Home links to the My compliance and Programme pages when their address is configured.
            var home = QuestionCards.Welcome().WithPageLinks(services.GetRequiredService<IOptions<Web.PagesOptions>>().Value);
            await Slack.PublishViewAsync(user, BlockKitRenderer.RenderView(home, "home"), cancellationToken: cancellationToken);
            return;
        }

        var channel = slackEvent.Channel;
        var isDirect = slackEvent.IsDirectMessage;
        if (channel is null || !(slackEvent.Type == "app_mention" || isDirect))
        {
            return;
        }

        // In a channel the answer goes into the message's thread (a top-level mention starts one): that thread is the
        // conversation a follow-up belongs to.
        var replyTo = isDirect ? null : slackEvent.Ts;
        var text = System.Text.RegularExpressions.Regex.Replace(slackEvent.Text ?? "", "<@[A-Z0-9]+>", " ").Trim();
        if (TextRule.StorageProblem(text, "message") is not null)
        {
            // Refused before anything is remembered: no conversation is stored to queue it for, so it is posted at once.
            await Slack.PostMessageAsync(channel, BlockKitRenderer.RenderText(ConversationService.Unstorable.Text).Text, null, replyTo, cancellationToken: cancellationToken);
            return;
        }

        var team = origin.TeamId;
        if (await RememberAsync(team, channel, user, link: true, cancellationToken) is not { } reference)
        {
            await Slack.PostMessageAsync(channel, IdentityUnconfirmed.Text, null, replyTo, cancellationToken: cancellationToken);
            return;
        }

        var thread = isDirect ? null : slackEvent.ThreadTs ?? slackEvent.Ts;
        var reply = await conversation.HandleAsync(new ChatEvent(ChatEventKind.Message, new ChatUser(Platform.Slack, user, null, null, team), reference, Text: text, Thread: thread), cancellationToken);
        // Keyed by the event's id: Slack delivering the event again (to any instance) queues no second answer.
        await replies.QueueAsync(Platform.Slack, reference, reply, eventId, once: true, replyTo, cancellationToken);
    }

    public async Task OnBlockActionAsync(SlackBlockActions click, CancellationToken cancellationToken)
    {
        var (user, channel, team) = (click.User.Id, click.Channel, click.Origin.TeamId);
        var data = BlockKitRenderer.DataOf(click.Action.Value);
        foreach (var (id, value) in click.Inputs)
        {
            data[id] = value;
        }

        if (await RememberAsync(team, channel, user, link: true, cancellationToken) is not { } reference)
        {
            await Slack.PostEphemeralAsync(channel, user, IdentityUnconfirmed.Text, cancellationToken: cancellationToken);
            return;
        }

        var ts = click.MessageTs;
        var reply = await conversation.HandleAsync(
            new ChatEvent(ChatEventKind.CardAction, new ChatUser(Platform.Slack, user, click.User.Name, null, team), reference,
                Verb: BlockKitRenderer.VerbOf(click.Action.ActionId), Data: data, MessageId: ts),
            cancellationToken);
        switch (reply)
        {
            case CardReply { ReplacesCard: true } replacedEphemeral when click.IsEphemeral && Responses.IsAllowed(click.ResponseUrl):
                // An ephemeral message (a slash command's answer) can only be replaced through its response_url.
                var replacement = BlockKitRenderer.Render(replacedEphemeral.Card);
                await Responses.ReplaceOriginalAsync(click.ResponseUrl!, replacement.Text, replacement.Blocks, cancellationToken);
                break;
            case CardReply { ReplacesCard: true } replaced when ts is not null && await db.ConversationReferences.FindAsync([reference], cancellationToken) is { } clicked:
                // Through the outbox like every other update: retried on a 429, sent again after a crash, paced with the rest.
                await CardCopies.QueueReplacementAsync(db, $"slack:reply:{Guid.NewGuid():N}", "reply.update", replaced.Card, clicked, ts, time.GetUtcNow(), cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                services.GetRequiredService<OutboxSignal>().Nudge();
                break;
            case TextReply text:
                var ephemeralText = BlockKitRenderer.RenderText(text.Text);
                await Slack.PostEphemeralAsync(channel, user, ephemeralText.Text, ephemeralText.Blocks, cancellationToken: cancellationToken);
                break;
            default:
                await replies.QueueAsync(Platform.Slack, reference, reply, inboundId: null, once: false, cancellationToken: cancellationToken);
                break;
        }
    }

    /// <summary>
    /// One person, two platforms: a Slack user not seen before is looked up (users.info) and, when their email belongs
    /// to a known person, linked to that person before anything is decided. Not confirmed (null) when Slack did not
    /// answer within <see cref="SlackOptions.IdentityTimeout"/> or refused: the caller then acts for nobody.
    /// </summary>
    private async Task<SlackIdentity?> LinkPersonAsync(string? team, string user, CancellationToken cancellationToken)
    {
        var person = await db.People.FirstOrDefaultAsync(p => p.SlackUserId == user, cancellationToken);
        if (person is not null)
        {
            return new SlackIdentity(person);
        }

        SlackUser profile;
        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.IdentityTimeout);
        try
        {
            profile = await Slack.GetUserInfoAsync(user, timeout.Token);
        }
        catch (Exception e) when (e is SlackApiException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogIdentityUnconfirmed(logger, (long)time.GetElapsedTime(started).TotalMilliseconds, (e as SlackApiException)?.Error ?? "timeout");
            return null;
        }

        if (string.IsNullOrWhiteSpace(profile.Email) || profile.IsBot || profile.Deleted)
        {
            return new SlackIdentity(null); // a bot, a deleted user or no email: nobody we know, questions only
        }

        var email = Person.NormaliseEmail(profile.Email);
        person = await db.People.FirstOrDefaultAsync(p => p.Email == email, cancellationToken);
        if (person is null)
        {
            return new SlackIdentity(null);
        }

        if (person.SlackUserId is null)
        {
            person.SlackUserId = user;
            person.SlackTeamId = team ?? profile.TeamId;
            return new SlackIdentity(person);
        }

        // The email's person is already linked to another Slack user: this one is not them.
        return new SlackIdentity(null);
    }

    /// <summary>What a Slack user was confirmed to be: a known person, or nobody known (questions only).</summary>
    private sealed record SlackIdentity(Person? Person);

    /// <summary>Said instead of acting when who sent a request could not be confirmed: nothing is done for nobody.</summary>
    internal static readonly TextReply IdentityUnconfirmed =
        new("I couldn't confirm who you are just now (Slack didn't answer in time), so I haven't done anything. Please try again in a minute.");

    [LoggerMessage(EventId = 3251, Level = LogLevel.Warning, Message = "Slack: could not confirm who a user is (users.info: {Error} after {ElapsedMs} ms); the request was answered politely and nothing was done")]
    private static partial void LogIdentityUnconfirmed(ILogger logger, long elapsedMs, string error);

    /// <summary>
    /// A modal's submit: its callback_id is the verb, private_metadata the data, and the inputs come from
    /// state. A refusal about a missing or bad input is shown on the field; anything else closes the modal.
    /// </summary>
    public async Task<JsonObject?> OnViewSubmissionAsync(SlackViewSubmission submission, CancellationToken cancellationToken)
    {
        var user = submission.User.Id;
        var data = BlockKitRenderer.DataOf(submission.PrivateMetadata);
        foreach (var (id, value) in submission.Inputs)
        {
            data[id] = value;
        }

        var missing = submission.RequiredInputs.Where(id => !data.TryGetValue(id, out var value) || string.IsNullOrWhiteSpace(value)).ToList();
        if (missing.Count > 0)
        {
            var errors = new JsonObject();
            foreach (var id in missing)
            {
                errors[id] = "Please fill this in.";
            }

            return new JsonObject { ["response_action"] = "errors", ["errors"] = errors };
        }

        var team = submission.Origin.TeamId;
        var channel = await Slack.OpenConversationAsync([user], cancellationToken);
        if (await RememberAsync(team, channel, user, link: true, cancellationToken) is not { } reference)
        {
            await Slack.PostMessageAsync(channel, IdentityUnconfirmed.Text, null, cancellationToken: cancellationToken);
            return null;
        }

        var reply = await conversation.HandleAsync(
            new ChatEvent(ChatEventKind.CardAction, new ChatUser(Platform.Slack, user, submission.User.Name, null, team), reference,
                Verb: BlockKitRenderer.VerbOf(submission.CallbackId), Data: data),
            cancellationToken);
        await replies.QueueAsync(Platform.Slack, reference, reply, inboundId: null, once: false, cancellationToken: cancellationToken);
        return null;
    }

    private static BlockKitMessage? Render(ChatReply reply) => reply switch
    {
        CardReply card => BlockKitRenderer.Render(card.Card),
        TextReply text => BlockKitRenderer.RenderText(text.Text),
        _ => null,
    };

    /// <summary>
    /// Stores the conversation reference and returns its id; with <paramref name="link"/>, first links the user to a
    /// known person, and returns null, storing nothing, when Slack could not confirm who they are. Without linking, a
    /// conversation this instance stored minutes ago costs no database trip.
    /// </summary>
    internal async Task<Guid?> RememberAsync(string? team, string channel, string user, bool link, CancellationToken cancellationToken)
    {
        var fingerprint = channel.StartsWith('D') ? user : "";
        if (!link && known.Find(Platform.Slack, channel, fingerprint) is { } knownId)
        {
            return knownId;
        }

        SlackIdentity? identity = null;
        if (link)
        {
            identity = await LinkPersonAsync(team, user, cancellationToken);
            if (identity is null)
            {
                return null;
            }
        }

        var person = identity?.Person;
        var reference = await directory.FindOrAddAsync(Platform.Slack, channel, channel.StartsWith('D') ? ConversationScope.Personal : ConversationScope.Channel, team, cancellationToken);

        if (reference.Scope == ConversationScope.Personal)
        {
            reference.UserId ??= user;
            reference.PersonId ??= person?.Id;
        }

        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        if (identity is not null)
        {
            known.RememberPerson(new ChatUser(Platform.Slack, user, null, null, team), person?.Id, confirmed: true);
        }

        known.Remember(Platform.Slack, channel, fingerprint, reference.Id, linked: reference.Scope != ConversationScope.Personal || reference.PersonId is not null);
        return reference.Id;
    }
}
