using ChatCompliance.Core.Domain;
using ChatCompliance.Jobs.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Outbox;

/// <summary>
/// Slack limits each Web API method on its own: posting a card into a channel and updating one already posted there
/// draw on different budgets, so a busy channel's new cards do not hold up the updates people are waiting for, and
/// updates keep to chat.update's own (Tier 3) limit.
/// </summary>
public sealed class SlackPacingTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private readonly OutboxOptions _options = new() { PacingMargin = TimeSpan.Zero };
    private readonly ConversationReference _channel = new() { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = "C-AUDITS", TenantId = "T1" };

    [Fact]
    public void An_update_in_a_channel_does_not_wait_behind_a_post_to_it_and_a_second_post_waits_its_second()
    {
        var pacer = new OutboxPacer(new FakeTimeProvider(Start));

        Assert.Equal(Start, ReserveAll(pacer, update: false));
        Assert.Equal(Start, ReserveAll(pacer, update: true));
        Assert.Equal(Start + _options.SlackChannelInterval, ReserveAll(pacer, update: false));
    }

    [Fact]
    public void Updates_keep_to_chat_update_s_limit_per_workspace()
    {
        var pacer = new OutboxPacer(new FakeTimeProvider(Start));
        var channels = Enumerable.Range(0, _options.SlackUpdatesPerMinute + 1)
            .Select(i => new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = $"C{i}", TenantId = "T1" })
            .ToList();

        var slots = channels.Select(c => OutboxDispatcher.PacingKeys(_options, c, update: true).Select(k => pacer.Reserve(k)).Max()).ToList();

        Assert.All(slots.Take(_options.SlackUpdatesPerMinute), at => Assert.True(at < Start + TimeSpan.FromMinutes(1)));
        Assert.True(slots[^1] >= Start + TimeSpan.FromMinutes(1), $"the {_options.SlackUpdatesPerMinute + 1}th update in a minute went at {slots[^1]:HH:mm:ss.fff}");
        Assert.Equal(Start, OutboxDispatcher.PacingKeys(_options, channels[^1], update: false).Select(k => pacer.Reserve(k)).Max()); // posts are not held by updates
    }

    private DateTimeOffset ReserveAll(OutboxPacer pacer, bool update) =>
        OutboxDispatcher.PacingKeys(_options, _channel, update).Select(k => pacer.Reserve(k)).Max();
}
