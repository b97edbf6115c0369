using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Graph;
using ChatCompliance.Integrations.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>What became of an outbox row addressed to a person: the conversation to send it to, or why not.</summary>
/// <param name="Conversation">Where to send it now.</param>
/// <param name="Failure">A failure for the dispatcher to record (retry later, or give up); with neither, the row was dealt with here.</param>
internal sealed record ChatOpening(ConversationReference? Conversation, OutboxFailure? Failure)
{
    public static ChatOpening DealtWith { get; } = new(null, null);
}

/// <summary>
/// Gives an outbox row addressed to a person who had no conversation with the bot (<see cref="OutboxMessage.RecipientPersonId"/>)
/// a conversation: their personal one if they have talked to the bot since, else the Teams 1:1 chat opened by installing the app
/// for them (<see cref="ITeamsAppInstaller"/>), stored as their personal conversation (Teams, tenant, <c>Teams:ServiceUrl</c>).
/// Runs on the dispatcher's side, never in a web request: it is slow and may fail. Where installing is not allowed or not
/// possible, the row is dead-lettered and the leads are told once per person and reason who can't be reached and why.
/// </summary>
internal sealed partial class PersonalChatOpener(IOptions<TeamsOptions> teams, TimeProvider time, ILogger<PersonalChatOpener> logger, ITeamsAppInstaller? installer = null)
{
    /// <summary>Kind of the card that tells the leads someone can't be reached; never itself the subject of one.</summary>
    public const string UnreachableKind = "outbox.unreachable";

    /// <summary>The row's conversation, or what to record instead; the row is still claimed with <paramref name="claim"/>.</summary>
    public async Task<ChatOpening> OpenAsync(ComplianceDbContext db, OutboxMessage row, string claim, CancellationToken cancellationToken)
    {
        var personId = row.RecipientPersonId!.Value;
        var known = await db.ConversationReferences.AsNoTracking()
            .Where(c => c.PersonId == personId && c.Scope == ConversationScope.Personal)
            .OrderByDescending(c => c.UpdatedAt).FirstOrDefaultAsync(cancellationToken);
        if (known is not null)
        {
            return await AddressAsync(db, row, claim, known);
        }

        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == personId, cancellationToken);
        if (person is null)
        {
            return new(null, OutboxFailure.Permanently("The person to reach is not stored (any more)."));
        }

        if (string.IsNullOrWhiteSpace(person.EntraObjectId))
        {
            return await UnreachableAsync(db, row, claim, person, "no-entra-id",
                "They have no Entra ID object id (they were added by email only), so ChatCompliance can't install itself in Teams for them. "
                + "They get their messages once they open ChatCompliance in Teams or Slack.");
        }

        InstalledChat chat;
        try
        {
            chat = installer is null
                ? throw new DirectoryException(DirectoryProblem.NotConfigured, "Microsoft Graph isn't set up in this host, so ChatCompliance can't install itself in Teams for them.")
                : await installer.OpenPersonalChatAsync(person.EntraObjectId, cancellationToken);
        }
        catch (DirectoryException e) when (e.Problem == DirectoryProblem.Unavailable)
        {
            return new(null, OutboxFailure.Transient(e.Message, null, throttled: false));
        }
        catch (DirectoryException e)
        {
            return await UnreachableAsync(db, row, claim, person, e.Problem.ToString(), e.Message);
        }

        if (await StoreAsync(db, person, chat, cancellationToken) is not { } conversation)
        {
            return new(null, OutboxFailure.Permanently($"Microsoft Graph named the chat {chat.ChatId}, which is stored as someone else's conversation: nothing was sent."));
        }

        LogOpened(logger, row.Id, person.Id);
        return await AddressAsync(db, row, claim, conversation);
    }

    /// <summary>Stores the opened chat as the person's personal Teams conversation; null when that chat id is already someone else's.</summary>
    private async Task<ConversationReference?> StoreAsync(ComplianceDbContext db, Person person, InstalledChat chat, CancellationToken cancellationToken)
    {
        var options = teams.Value;
        var stored = await db.ConversationReferences.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Platform == Platform.Teams && c.ConversationId == chat.ChatId, cancellationToken)
            ?? await new ConversationDirectory(db, time).AddIfAbsentAsync(new ConversationReference
            {
                Platform = Platform.Teams,
                Scope = ConversationScope.Personal,
                ConversationId = chat.ChatId,
                ServiceUrl = options.ServiceUrl,
                TenantId = chat.TenantId,
                BotId = string.IsNullOrWhiteSpace(options.MicrosoftAppId) ? null : "28:" + options.MicrosoftAppId,
                PersonId = person.Id,
                UpdatedAt = time.GetUtcNow(),
            }, cancellationToken); // another instance may store the same chat first: theirs is used
        return stored.PersonId == person.Id && stored.Scope == ConversationScope.Personal ? stored : null;
    }

    /// <summary>Points the row at the conversation, while it is still this instance's; dealt with (claimed again later) when it is not.</summary>
    private static async Task<ChatOpening> AddressAsync(ComplianceDbContext db, OutboxMessage row, string claim, ConversationReference conversation)
    {
        var addressed = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && o.SentAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.ConversationReferenceId, conversation.Id)
                .SetProperty(o => o.Platform, conversation.Platform), CancellationToken.None);
        return addressed == 1 ? new(conversation, null) : ChatOpening.DealtWith;
    }

    /// <summary>
    /// Dead-letters the row as reported, and (in the same transaction) tells every active lead, once per person and reason,
    /// who can't be reached and why: later rows for them are dead-lettered without another card.
    /// </summary>
    private async Task<ChatOpening> UnreachableAsync(ComplianceDbContext db, OutboxMessage row, string claim, Person person, string reason, string why)
    {
        var now = time.GetUtcNow();
        var notice = Guid.NewGuid();
        var error = $"{person.DisplayName} can't be reached: {why}";
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var dead = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && o.SentAt == null && o.DeadLetteredAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.DeadLetteredAt, now)
                .SetProperty(o => o.IncidentId, notice) // reported by the card below, not by an incident
                .SetProperty(o => o.LastError, error)
                .SetProperty(o => o.ClaimedBy, (string?)null)
                .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (dead == 0)
        {
            return ChatOpening.DealtWith; // the claim was lost: whoever holds the row now deals with it
        }

        if (row.Kind is not (UnreachableKind or OutboxDispatcher.DeadLetterAlertKind))
        {
            var card = OutboxAlerts.Unreachable(person.DisplayName, why);
            foreach (var lead in await db.ActiveLeadIdsAsync(CancellationToken.None))
            {
                await db.EnqueueForPersonAsync($"unreachable:{person.Id:N}:{reason}:{lead:N}", UnreachableKind, card, lead, now, cancellationToken: CancellationToken.None);
            }

            await db.SaveChangesAsync(CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
        LogUnreachable(logger, row.Id, person.Id, reason);
        return ChatOpening.DealtWith;
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Outbox message {Id}: Teams chat with person {PersonId} opened by installing the app")]
    private static partial void LogOpened(ILogger logger, Guid id, Guid personId);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Outbox message {Id}: person {PersonId} can't be reached ({Reason}); dead-lettered, the leads told once")]
    private static partial void LogUnreachable(ILogger logger, Guid id, Guid personId, string reason);
}
