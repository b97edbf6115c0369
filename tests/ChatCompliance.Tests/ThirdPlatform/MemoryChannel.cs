using System.Collections.Concurrent;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Tests.ThirdPlatform;

/// <summary>
/// A third chat platform that lives in memory: what the outbox sends, replaces and deletes lands in <see cref="MemoryPlatform"/>.
/// A platform is one <see cref="IChatChannel"/> (this file) registered beside Teams' and Slack's, plus an adapter that turns
/// its inbound events into the conversation's <c>ChatEvent</c>s (<see cref="MemoryAdapter"/>).
/// </summary>
internal sealed class MemoryChannel(MemoryPlatform platform) : IChatChannel
{
    public Platform Platform => MemoryPlatform.Id;

    public Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, string? replyToId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<string?>(platform.Post(conversation.ConversationId, card));

    public Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default)
    {
        platform.Replace(conversation.ConversationId, messageId, card);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(ConversationReference conversation, string messageId, CancellationToken cancellationToken = default)
    {
        platform.Delete(conversation.ConversationId, messageId);
        return Task.CompletedTask;
    }

    public Task<SentLookup> FindSentAsync(ConversationReference conversation, string outboxKey, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult(SentLookup.Unknowable);
}

/// <summary>The in-memory platform's messages: each conversation's posted cards by message id, and every replacement.</summary>
internal sealed class MemoryPlatform
{
    /// <summary>The platform's identity in the store (a real platform gets a named member of <see cref="Platform"/>).</summary>
    public const Platform Id = (Platform)100;

    private readonly ConcurrentDictionary<string, Card> _messages = new();
    private readonly ConcurrentQueue<(string Conversation, string MessageId, Card Card)> _posts = new();
    private readonly ConcurrentQueue<(string Conversation, string MessageId, Card Card)> _replacements = new();
    private int _next;

    public IReadOnlyList<(string Conversation, string MessageId, Card Card)> Posts => [.. _posts];

    public IReadOnlyList<(string Conversation, string MessageId, Card Card)> Replacements => [.. _replacements];

    /// <summary>The card a message shows now.</summary>
    public Card Showing(string conversation, string messageId) => _messages[$"{conversation}/{messageId}"];

    public string Post(string conversation, Card card)
    {
        var id = $"mem-{Interlocked.Increment(ref _next)}";
        _messages[$"{conversation}/{id}"] = card;
        _posts.Enqueue((conversation, id, card));
        return id;
    }

    public void Replace(string conversation, string messageId, Card card)
    {
        if (!_messages.ContainsKey($"{conversation}/{messageId}"))
        {
            throw new InvalidOperationException($"No message {messageId} in {conversation}");
        }

        _messages[$"{conversation}/{messageId}"] = card;
        _replacements.Enqueue((conversation, messageId, card));
    }

    public void Delete(string conversation, string messageId) => _messages.TryRemove($"{conversation}/{messageId}", out _);
}
