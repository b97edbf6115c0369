using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Storage;

public sealed class SqliteOutboxQueueTests(SqliteTestStore store) : OutboxQueueTests(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresOutboxQueueTests(PostgresTestStore store) : OutboxQueueTests(store), IClassFixture<PostgresTestStore>;

/// <summary>The outbox queues each idempotency key once, whether the earlier row is saved or still in the caller's context.</summary>
public abstract class OutboxQueueTests(ITestStore store) : MigratedStoreTests(store)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_key_queued_earlier_in_the_same_context_or_the_store_is_not_queued_again()
    {
        var person = new Person { Email = $"{Guid.NewGuid():N}@contoso.example", DisplayName = "Before", CreatedAt = Now };
        var conversation = new ConversationReference
        {
            Platform = Platform.Slack,
            Scope = ConversationScope.Personal,
            ConversationId = $"D{Guid.NewGuid():N}",
            PersonId = person.Id,
            UpdatedAt = Now,
        };
        await using (var setup = Store.NewContext())
        {
            setup.People.Add(person);
            setup.ConversationReferences.Add(conversation);
            await setup.SaveChangesAsync();
        }

        var key = $"review:{Guid.NewGuid():N}";
        await using (var db = Store.NewContext())
        {
            var tracked = await db.People.SingleAsync(p => p.Id == person.Id);
            tracked.DisplayName = "After";

            Assert.Equal(1, await db.EnqueueForPersonAsync(key, "review.request", QuestionCards.Help(), person.Id, Now));
            Assert.False(await db.EnqueueAsync($"{key}:{conversation.Id:N}", "review.request", QuestionCards.Help(), conversation, Now));
            await db.SaveChangesAsync();
        }

        await using var check = Store.NewContext();
        Assert.False(await check.EnqueueAsync($"{key}:{conversation.Id:N}", "review.request", QuestionCards.Help(), conversation, Now));
        Assert.Equal(1, await check.Outbox.CountAsync(o => o.IdempotencyKey.StartsWith(key)));
        // The key check skips EF Core's change scan; a change made before it is still saved.
        Assert.Equal("After", (await check.People.SingleAsync(p => p.Id == person.Id)).DisplayName);
    }
}
