using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.ThirdPlatform;

/// <summary>
/// The in-memory platform's inbound side: a person's message or button click becomes a <see cref="ChatEvent"/> for the
/// conversation, and the reply is the response to that request (a click's card replaces the clicked message, as a Teams
/// invoke response does). Everything else (cards to others, updates of other copies) leaves through the outbox and
/// <see cref="MemoryChannel"/>.
/// </summary>
internal sealed class MemoryAdapter(IServiceProvider services, MemoryPlatform platform)
{
    /// <summary>Stores a personal conversation for the person on the memory platform, as a first message would.</summary>
    public async Task<ConversationReference> OpenAsync(Person person)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var reference = new ConversationReference
        {
            Platform = MemoryPlatform.Id,
            Scope = ConversationScope.Personal,
            ConversationId = $"dm-{person.Email}",
            UserId = person.Email,
            PersonId = person.Id,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.ConversationReferences.Add(reference);
        await db.SaveChangesAsync();
        return reference;
    }

    public Task<ChatReply> SayAsync(Person person, ConversationReference conversation, string text) =>
        HandleAsync(new ChatEvent(ChatEventKind.Message, User(person), conversation.Id, Text: text));

    /// <summary>Clicks <paramref name="action"/> on the message <paramref name="messageId"/> with the typed inputs; a card reply replaces the message.</summary>
    public async Task<ChatReply> ClickAsync(Person person, ConversationReference conversation, string messageId, CardAction action, params (string Id, string Value)[] inputs)
    {
        var data = new Dictionary<string, string>(action.Data, StringComparer.Ordinal);
        foreach (var (id, value) in inputs)
        {
            data[id] = value;
        }

        var reply = await HandleAsync(new ChatEvent(ChatEventKind.CardAction, User(person), conversation.Id, Verb: action.Verb, Data: data, MessageId: messageId));
        if (reply is CardReply { ReplacesCard: true } card)
        {
            platform.Replace(conversation.ConversationId, messageId, card.Card);
        }

        return reply;
    }

    private static ChatUser User(Person person) => new(MemoryPlatform.Id, person.Email, person.DisplayName, null, null, VerifiedPersonId: person.Id);

    private async Task<ChatReply> HandleAsync(ChatEvent chat)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConversationService>().HandleAsync(chat);
    }
}
