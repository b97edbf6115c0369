using System.Text.Json;
using System.Text.RegularExpressions;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Integrations.Teams.Protocol;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Teams;

/// <summary>
/// Turns a verified Teams activity into a neutral event (storing the conversation reference first), and the neutral
/// reply back into an invoke response (a clicked card replaced, or a short message), or a reply queued in the outbox:
/// the activity is acknowledged as soon as its reply is stored, and the dispatcher sends it at Teams' pace.
/// </summary>
internal sealed partial class TeamsAdapter(ComplianceDbContext db, ConversationDirectory directory, ConversationService conversation, ConversationReplies replies, KnownConversations known, TeamsIdentity identity, TimeProvider time)
{
    private const string NotYouMessage = "I can't confirm who you are from this Teams account, so I did nothing. The compliance team has been told.";

    public async Task<IResult> ProcessAsync(Activity activity, CancellationToken cancellationToken)
    {
        switch (activity.Type)
        {
            case ActivityTypes.Message:
            {
                if (await RememberAsync(activity, cancellationToken) is not { } reference)
                {
                    return TypedResults.Problem(NotYouMessage, statusCode: StatusCodes.Status403Forbidden);
                }

                var chat = activity.Value is { ValueKind: JsonValueKind.Object } value && Data(value) is { } submitted && submitted.TryGetValue("verb", out var verb)
                    ? new ChatEvent(ChatEventKind.CardAction, User(activity), reference, Verb: verb, Data: submitted, MessageId: activity.ReplyToId)
                    : new ChatEvent(ChatEventKind.Message, User(activity), reference, Text: StripMentions(activity.Text));
                await replies.QueueAsync(Platform.Teams, reference, await conversation.HandleAsync(chat, cancellationToken), activity.Id, once: false, activity.Id, cancellationToken);
                return TypedResults.Ok();
            }

            case ActivityTypes.Invoke when activity.Name == ActivityTypes.AdaptiveCardAction:
                return await InvokeAsync(activity, cancellationToken);

            case ActivityTypes.InstallationUpdate or ActivityTypes.ConversationUpdate:
                await MembershipAsync(activity, cancellationToken);
                return TypedResults.Ok();

            default:
                // Unknown activity types are acknowledged and ignored.
                return TypedResults.Ok();
        }
    }

    private async Task<IResult> InvokeAsync(Activity activity, CancellationToken cancellationToken)
    {
        AdaptiveCardInvokeValue? invoke = null;
        try
        {
            invoke = activity.Value?.Deserialize<AdaptiveCardInvokeValue>();
        }
        catch (JsonException)
        {
        }

        if (invoke?.Action?.Verb is not { } verb)
        {
            return TypedResults.Ok(new AdaptiveCardInvokeResponse
            {
                StatusCode = 400,
                Type = AdaptiveCardInvokeResponse.ErrorType,
                Value = new { code = "BadRequest", message = "The card action has no verb." },
            });
        }

        // Inputs holding half a character (an escaped lone surrogate) cannot even be read: refused politely, before anything is remembered.
        var data = invoke.Action.Data is { ValueKind: JsonValueKind.Object } d ? Data(d) : new Dictionary<string, string>();
        if (data is null)
        {
            return TypedResults.Ok(new AdaptiveCardInvokeResponse { StatusCode = 200, Type = AdaptiveCardInvokeResponse.MessageType, Value = ConversationService.Unstorable.Text });
        }

        if (await RememberAsync(activity, cancellationToken) is not { } reference)
        {
            return TypedResults.Ok(new AdaptiveCardInvokeResponse
            {
                StatusCode = 403,
                Type = AdaptiveCardInvokeResponse.ErrorType,
                Value = new { code = "Forbidden", message = NotYouMessage },
            });
        }

        var reply = await conversation.HandleAsync(new ChatEvent(ChatEventKind.CardAction, User(activity), reference, Verb: verb, Data: data, MessageId: activity.ReplyToId), cancellationToken);
        switch (reply)
        {
            case CardReply { ReplacesCard: true } card:
                return TypedResults.Ok(new AdaptiveCardInvokeResponse { StatusCode = 200, Type = AdaptiveCardInvokeResponse.CardType, Value = AdaptiveCardRenderer.Render(card.Card) });
            case TextReply text:
                return TypedResults.Ok(new AdaptiveCardInvokeResponse { StatusCode = 200, Type = AdaptiveCardInvokeResponse.MessageType, Value = CardText.Plain(text.Text) }); // Teams shows it as plain text
            default:
                // A new card (a related answer) follows the clicked one in the conversation.
                await replies.QueueAsync(Platform.Teams, reference, reply, activity.Id, once: false, cancellationToken: cancellationToken);
                return TypedResults.Ok(new AdaptiveCardInvokeResponse { StatusCode = 200, Type = AdaptiveCardInvokeResponse.MessageType, Value = "Done." });
        }
    }

    private async Task MembershipAsync(Activity activity, CancellationToken cancellationToken)
    {
        var botId = activity.Recipient?.Id;
        var added = activity.Action == "add" || (activity.MembersAdded?.Any(m => m.Id == botId) ?? false);
        var removed = activity.Action == "remove" || (activity.MembersRemoved?.Any(m => m.Id == botId) ?? false);
        if (removed)
        {
            await db.ConversationReferences
                .Where(c => c.Platform == Platform.Teams && c.ConversationId == activity.Conversation!.Id)
                .ExecuteDeleteAsync(cancellationToken);
            known.Forget(Platform.Teams, activity.Conversation!.Id!);
            return;
        }

        // Teams sends both installationUpdate and conversationUpdate on install: welcome once, for a new conversation.
        var created = !await db.ConversationReferences.AnyAsync(c => c.Platform == Platform.Teams && c.ConversationId == activity.Conversation!.Id, cancellationToken);
        if (await RememberAsync(activity, cancellationToken) is not { } reference)
        {
            return;
        }

        if (added && created)
        {
            var reply = await conversation.HandleAsync(new ChatEvent(ChatEventKind.Installed, User(activity), reference), cancellationToken);
            await replies.QueueAsync(Platform.Teams, reference, reply, activity.Id, once: false, cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Confirms the sender with the directory, then stores or refreshes the conversation reference, linking it to
    /// the person when known; returns its id, or null when the sender's ids disagree with the directory (refused,
    /// stored nowhere but the audit trail). An activity that matches what this instance checked and stored minutes
    /// ago costs no database trip.
    /// </summary>
    private async Task<Guid?> RememberAsync(Activity activity, CancellationToken cancellationToken)
    {
        var conversationId = activity.Conversation!.Id!;
        var scope = activity.Conversation.ConversationType switch
        {
            "channel" => ConversationScope.Channel,
            "groupChat" => ConversationScope.GroupChat,
            _ => ConversationScope.Personal,
        };
        var tenantId = activity.Conversation.TenantId ?? activity.ChannelData?.Tenant?.Id;
        var name = activity.Conversation.Name ?? activity.ChannelData?.Channel?.Name;
        var userId = scope == ConversationScope.Personal ? activity.From!.Id : null;
        var fingerprint = string.Join('\n', scope, activity.ServiceUrl, tenantId, activity.ChannelData?.Team?.Id, activity.Recipient?.Id, name, activity.From!.Id, activity.From.AadObjectId);
        if (known.Find(Platform.Teams, conversationId, fingerprint) is { } knownId)
        {
            return knownId;
        }

        var (outcome, person) = await identity.ConfirmAsync(db, activity.From.Id!, activity.From.AadObjectId, tenantId, cancellationToken);
        if (outcome == TeamsIdentityOutcome.Mismatch)
        {
            return null;
        }

        var reference = await directory.FindOrAddAsync(Platform.Teams, conversationId, scope, tenantId, cancellationToken);

        reference.Scope = scope;
        reference.ServiceUrl = activity.ServiceUrl;
        reference.TenantId = tenantId;
        reference.TeamId = activity.ChannelData?.Team?.Id;
        reference.BotId = activity.Recipient?.Id;
        reference.Name = name;
        if (scope == ConversationScope.Personal)
        {
            reference.UserId = userId;
            reference.PersonId = person?.Id;
        }

        // Most messages change nothing here: skip the write unless something changed or an hour has passed.
        var now = time.GetUtcNow();
        if (db.ChangeTracker.HasChanges() || now - reference.UpdatedAt > TimeSpan.FromHours(1))
        {
            reference.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        known.Remember(Platform.Teams, conversationId, fingerprint, reference.Id, linked: scope != ConversationScope.Personal || reference.PersonId is not null);
        return reference.Id;
    }

    private static ChatUser User(Activity activity) => new(
        Platform.Teams, activity.From!.Id!, activity.From.Name, activity.From.AadObjectId, activity.Conversation?.TenantId ?? activity.ChannelData?.Tenant?.Id);

    /// <summary>Card data and inputs as strings (nested values are ignored); null when a name or value is not text (a lone surrogate).</summary>
    private static Dictionary<string, string>? Data(JsonElement value)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String)
                {
                    data[property.Name] = property.Value.GetString()!;
                }
                else if (property.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    data[property.Name] = property.Value.GetRawText();
                }
            }
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        return data;
    }

    /// <summary>Channel and group-chat messages carry an &lt;at&gt;mention&lt;/at&gt; of the bot: drop it.</summary>
    private static string StripMentions(string? text) => Mention().Replace(text ?? "", " ").Replace("&nbsp;", " ", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"<at>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Mention();
}
