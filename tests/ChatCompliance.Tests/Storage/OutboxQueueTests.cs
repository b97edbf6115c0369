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

    [Fact]
    public async Task A_teams_chat_stored_under_both_of_its_ids_gets_each_card_once_and_every_other_chat_gets_it_too()
    {
        var person = new Person { Email = $"{Guid.NewGuid():N}@contoso.example", DisplayName = "Twice Stored", CreatedAt = Now };
        var tag = Guid.NewGuid().ToString("N");
        // Opened through Graph (the app installed for them), then written to by them: one chat, two ids.
        var opened = Personal(Platform.Teams, $"19:{tag}@unq.gbl.spaces", "tenant-1", person, Now.AddDays(-2));
        var written = Personal(Platform.Teams, $"a:{tag}", "tenant-1", person, Now.AddDays(-1));
        var otherTenant = Personal(Platform.Teams, $"a:guest-{tag}", "tenant-2", person, Now.AddDays(-3));
        var slack = Personal(Platform.Slack, $"D{tag}", "T1", person, Now.AddDays(-5));
        await using (var setup = Store.NewContext())
        {
            setup.People.Add(person);
            setup.ConversationReferences.AddRange(opened, written, otherTenant, slack);
            await setup.SaveChangesAsync();
        }

        var key = $"task:{tag}";
        await using (var db = Store.NewContext())
        {
            Assert.Equal(3, await db.EnqueueForPersonAsync(key, "task.assigned", QuestionCards.Help(), person.Id, Now));
            await db.SaveChangesAsync();
            Assert.Equal(3, await db.EnqueueForPeopleAsync([new PersonCard(key + ":bulk", person.Id, QuestionCards.Help())], "review.request", Now));
            await db.SaveChangesAsync();
            Assert.Equal(0, await db.QueueNowForPersonAsync(key, "task.assigned", QuestionCards.Help(), person.Id, Now)); // all there already
        }

        await using var check = Store.NewContext();
        var reached = await check.Outbox.Where(o => o.IdempotencyKey.StartsWith(key)).Select(o => o.ConversationReferenceId).ToListAsync();
        Assert.Equal(6, reached.Count);
        Assert.DoesNotContain(opened.Id, reached.Cast<Guid>());
        Assert.Equal(2, reached.Count(id => id == written.Id));
        Assert.Equal(2, reached.Count(id => id == otherTenant.Id));
        Assert.Equal(2, reached.Count(id => id == slack.Id));
    }

    private static ConversationReference Personal(Platform platform, string id, string tenant, Person person, DateTimeOffset updated) => new()
    {
        Platform = platform,
        Scope = ConversationScope.Personal,
        ConversationId = id,
        TenantId = tenant,
        PersonId = person.Id,
        UpdatedAt = updated,
    };
}
