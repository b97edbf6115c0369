using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Storage;

public sealed class SqliteRowInserterTests(SqliteTestStore store) : RowInserterTests(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresRowInserterTests(PostgresTestStore store) : RowInserterTests(store), IClassFixture<PostgresTestStore>;

/// <summary>Rows appended without the change tracker are stored as SaveChanges stores them, and a failed batch stores none.</summary>
public abstract class RowInserterTests(ITestStore store) : MigratedStoreTests(store)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Many_questions_are_stored_as_SaveChanges_stores_them_and_found_by_EF_queries()
    {
        var marker = Guid.NewGuid().ToString("N");
        var questions = Enumerable.Range(0, 120).Select(i => Question(marker, i)).ToList();

        await using (var db = Store.NewContext())
        {
            await db.InsertRowsAsync(questions, CancellationToken.None);
        }

        await using var check = Store.NewContext();
        var stored = await check.Questions.AsNoTracking().Where(q => q.Text.StartsWith(marker)).ToListAsync();
        Assert.Equal(120, stored.Count);
        foreach (var question in questions)
        {
            Assert.Equal(Snapshot(question), Snapshot(stored.Single(q => q.Id == question.Id)));
        }

        // Keys, enums and times compare in the store as EF Core writes them.
        var one = questions[7];
        Assert.Equal(one.Text, (await check.Questions.SingleAsync(q => q.Id == one.Id)).Text);
        Assert.Equal(40, await check.Questions.CountAsync(q => q.Text.StartsWith(marker) && q.Status == QuestionStatus.HandedOff));
        Assert.Equal(120, await check.Questions.CountAsync(q => q.Text.StartsWith(marker) && q.AskedAt >= Now && q.AskedAt < Now.AddMinutes(121)));
    }

    [Fact]
    public async Task A_batch_with_a_failing_row_stores_none_of_it()
    {
        var marker = Guid.NewGuid().ToString("N");
        var existing = Question(marker, 0);
        await using (var db = Store.NewContext())
        {
            db.Questions.Add(existing);
            await db.SaveChangesAsync();
        }

        var batch = Enumerable.Range(1, 60).Select(i => Question(marker, i)).Append(existing).ToList();
        await using (var db = Store.NewContext())
        {
            var failure = await Record.ExceptionAsync(() => db.InsertRowsAsync(batch, CancellationToken.None));
            Assert.True(failure is not null && RowInserter.IsStoreFailure(failure), failure?.ToString());
        }

        await using var check = Store.NewContext();
        Assert.Equal(1, await check.Questions.CountAsync(q => q.Text.StartsWith(marker)));
    }

    [Fact]
    public async Task Rows_bulk_inserted_in_a_transaction_are_stored_as_SaveChanges_stores_them()
    {
        var marker = Guid.NewGuid().ToString("N");
        var questions = Enumerable.Range(0, 250).Select(i => Question(marker, i)).ToList();

        await using (var db = Store.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.BulkInsertAsync(questions, CancellationToken.None);
            await transaction.CommitAsync();
        }

        await using var check = Store.NewContext();
        var stored = await check.Questions.AsNoTracking().Where(q => q.Text.StartsWith(marker)).ToListAsync();
        Assert.Equal(250, stored.Count);
        foreach (var question in questions)
        {
            Assert.Equal(Snapshot(question), Snapshot(stored.Single(q => q.Id == question.Id)));
        }

        Assert.Equal(83, await check.Questions.CountAsync(q => q.Text.StartsWith(marker) && q.Status == QuestionStatus.HandedOff));
    }

    [Fact]
    public async Task A_bulk_insert_rolled_back_with_its_transaction_stores_nothing()
    {
        var marker = Guid.NewGuid().ToString("N");
        await using (var db = Store.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.BulkInsertAsync([.. Enumerable.Range(0, 30).Select(i => Question(marker, i))], CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using var check = Store.NewContext();
        Assert.Equal(0, await check.Questions.CountAsync(q => q.Text.StartsWith(marker)));
    }

    [Fact]
    public async Task A_bulk_insert_with_a_duplicate_key_fails_as_a_store_failure()
    {
        var marker = Guid.NewGuid().ToString("N");
        var existing = Question(marker, 0);
        await using (var db = Store.NewContext())
        {
            db.Questions.Add(existing);
            await db.SaveChangesAsync();
        }

        await using (var db = Store.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var failure = await Record.ExceptionAsync(() => db.BulkInsertAsync([.. Enumerable.Range(1, 40).Select(i => Question(marker, i)), existing], CancellationToken.None));
            Assert.True(failure is not null && RowInserter.IsStoreFailure(failure), failure?.ToString());
        }

        await using var check = Store.NewContext();
        Assert.Equal(1, await check.Questions.CountAsync(q => q.Text.StartsWith(marker)));
    }

    [Fact]
    public async Task A_bulk_insert_outside_a_transaction_is_refused()
    {
        await using var db = Store.NewContext();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => db.BulkInsertAsync([Question("x", 1)], CancellationToken.None));

        Assert.Contains("transaction", e.Message, StringComparison.Ordinal);
    }

    private static Question Question(string marker, int i) => new()
    {
        Text = $"{marker} question {i} — is ISO 27001 “certifiable”?",
        AskedById = i % 2 == 0 ? Guid.NewGuid() : null,
        AskedOn = i % 2 == 0 ? Platform.Teams : Platform.Slack,
        ConversationReferenceId = i % 5 == 0 ? null : Guid.NewGuid(),
        AskedAt = Now.AddMinutes(i).AddTicks(1230),
        Status = (QuestionStatus)(i % 3),
        EntryId = i % 4 == 0 ? null : "soc2-vs-iso27001",
        Confidence = i / 7.0,
        HandedOffAt = i % 3 == 1 ? Now.AddMinutes(i + 1) : null,
    };

    private static string Snapshot(Question q) => JsonSerializer.Serialize(q);
}
