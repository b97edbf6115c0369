using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Auditing;

public sealed class SqliteAuditTrailTests : AuditTrailTests<SqliteTestStore>;

public sealed class PostgresAuditTrailTests : AuditTrailTests<PostgresTestStore>;

/// <summary>Appending, chaining and tamper detection: the same tests on each provider, each on a fresh database.</summary>
public abstract class AuditTrailTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private readonly TStore _store = new();

    // A time finer than a microsecond: the stored entry must still hash as it was hashed.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero).AddTicks(1_234_567));

    private AuditTrail Trail => new(_time, TestAuditKeys.Ring);

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Appended_entries_form_an_intact_chain_numbered_from_one()
    {
        for (var i = 1; i <= 3; i++)
        {
            await AppendAsync($"task.step{i}");
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        // A caller may own the transaction (begun as EF Core begins it) and append several entries in it.
        await using (var db = _store.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await Trail.AppendAsync(db, Record("task.submitted", reason: "evidence link"));
            await Trail.AppendAsync(db, Record("task.accepted", reason: "complete"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var entries = await LoadAsync();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], entries.Select(e => e.Sequence));
        Assert.Equal(AuditTrail.GenesisHash, entries[0].PreviousHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        }

        Assert.All(entries, e => Assert.Equal((TestAuditKeys.KeyId, AuditTrail.ComputeMac(e, Convert.FromBase64String(TestAuditKeys.Key))), (e.KeyId, e.Hash)));
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero).AddTicks(1_234_560), entries[0].OccurredAt);

        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Summary);
        Assert.Equal(5, report.Entries);
        Assert.Equal(entries[^1].Hash, report.HeadHash);
        Assert.Equal($"chain intact: 5 entries, head {entries[^1].Hash}", report.Summary);
    }

    [Fact]
    public async Task An_entry_is_stored_with_the_change_it_records_or_not_at_all()
    {
        var person = new Person { Email = "owner@example.com", DisplayName = "Owner", CreatedAt = _time.GetUtcNow() };
        await using (var db = _store.NewContext())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                db.People.Add(person);
                await Trail.AppendAsync(db, Record("person.added"), ct);
                await db.SaveChangesAsync(ct);
                throw new InvalidOperationException("the work fails after saving");
            }));

            Assert.Empty(db.ChangeTracker.Entries<AuditTrailEntry>());
            db.ChangeTracker.Clear();
            await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                db.People.Add(person);
                await Trail.AppendAsync(db, Record("person.added"), ct);
            });
        }

        await using var check = _store.NewContext();
        Assert.Single(await check.People.ToListAsync());
        var entry = Assert.Single(await check.AuditTrail.ToListAsync());
        Assert.Equal(1, entry.Sequence);
        Assert.Equal(AuditTrail.GenesisHash, entry.PreviousHash);
    }

    [Fact]
    public async Task Appending_outside_a_transaction_is_refused()
    {
        await using var db = _store.NewContext();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Trail.AppendAsync(db, Record("task.submitted")));

        Assert.Contains("RunInTransactionAsync", refused.Message, StringComparison.Ordinal);
        Assert.Empty(db.ChangeTracker.Entries());
    }

    [Fact]
    public async Task Altering_an_entry_is_reported_with_its_number()
    {
        await AppendManyAsync(5);

        await ExecuteAsync($"""UPDATE "AuditTrail" SET "Reason" = 'approved by the CEO' WHERE "Sequence" = 3""");

        var problem = await ProblemAsync();
        Assert.Equal(AuditChainProblemKind.Altered, problem.Kind);
        Assert.Equal(3, problem.Sequence);
        Assert.Equal("entry 3 was altered: its MAC does not match its content (key test)", problem.Message);
    }

    [Fact]
    public async Task Altering_an_entry_and_its_MAC_with_the_key_is_reported_by_the_next_entry()
    {
        await AppendManyAsync(5);
        var entries = await LoadAsync();
        var rewritten = entries[1];
        rewritten.Reason = "rewritten";
        var hash = AuditTrail.ComputeMac(rewritten, Convert.FromBase64String(TestAuditKeys.Key));

        await ExecuteAsync($"""UPDATE "AuditTrail" SET "Reason" = {rewritten.Reason}, "Hash" = {hash} WHERE "Sequence" = 2""");

        var problem = await ProblemAsync();
        Assert.Equal(AuditChainProblemKind.Altered, problem.Kind);
        Assert.Equal(2, problem.Sequence);
        Assert.Equal("entry 2 was altered or replaced: entry 3 records a different hash for it", problem.Message);
    }

    [Fact]
    public async Task Deleting_an_entry_is_reported_with_its_number()
    {
        await AppendManyAsync(5);

        await ExecuteAsync($"""DELETE FROM "AuditTrail" WHERE "Sequence" = 3""");

        var problem = await ProblemAsync();
        Assert.Equal(AuditChainProblemKind.Deleted, problem.Kind);
        Assert.Equal(3, problem.Sequence);
        Assert.Equal("entry 3 was deleted: the chain goes from entry 2 to entry 4", problem.Message);
    }

    [Fact]
    public async Task Inserting_a_forged_entry_between_two_is_reported_with_its_number()
    {
        await AppendManyAsync(5);
        var entries = await LoadAsync();

        // The forger knows the format and holds the key: makes room at 3, links the forgery to entry 2 and hashes it correctly.
        await ExecuteAsync($"""UPDATE "AuditTrail" SET "Sequence" = -"Sequence" WHERE "Sequence" >= 3""");
        await ExecuteAsync($"""UPDATE "AuditTrail" SET "Sequence" = 1 - "Sequence" WHERE "Sequence" < 0""");
        await InsertAsync(Forged(3, entries[1].Hash, hashed: true));

        var problem = await ProblemAsync();
        Assert.Equal(AuditChainProblemKind.Inserted, problem.Kind);
        Assert.Equal(3, problem.Sequence);
        Assert.Equal("entry 3 was inserted: the entry after it still links to entry 2", problem.Message);
    }

    [Fact]
    public async Task A_forged_entry_added_at_the_end_is_reported_with_its_number()
    {
        await AppendManyAsync(5);

        await InsertAsync(Forged(6, new string('a', 64), hashed: false));

        var problem = await ProblemAsync();
        Assert.Equal(AuditChainProblemKind.Inserted, problem.Kind);
        Assert.Equal(6, problem.Sequence);
        Assert.Equal("entry 6 was inserted or forged: it does not link to entry 5 and its MAC does not match its content (key test)", problem.Message);
    }

    [Fact]
    public async Task Deleting_the_last_entry_is_caught_with_the_head_an_export_recorded()
    {
        await AppendManyAsync(5);
        var exportedHead = (await VerifyAsync()).HeadHash;

        await ExecuteAsync($"""DELETE FROM "AuditTrail" WHERE "Sequence" = 5""");

        Assert.True((await VerifyAsync()).Intact, "a chain cut at its end still links up; only a recorded head shows the cut");
        await using var db = _store.NewContext();
        var report = await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring, exportedHead);
        Assert.Equal(AuditChainProblemKind.Deleted, report.Problem?.Kind);
        Assert.Null(report.Problem?.Sequence);
        Assert.StartsWith($"the head {exportedHead} recorded earlier is no longer in the chain", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_appends_from_separate_contexts_form_one_contiguous_chain()
    {
        const int Appenders = 20;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appends = Enumerable.Range(1, Appenders).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return (await AppendAsync($"task.parallel{i}", subjectId: $"task-{i}")).Sequence;
        })).ToList();
        start.SetResult();

        var sequences = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(1, Appenders).Select(i => (long)i), sequences.Order());
        var report = await VerifyAsync();
        Assert.True(report.Intact, report.Summary);
        Assert.Equal(Appenders, report.Entries);
        Assert.Equal(Appenders, report.HeadSequence);
        Assert.Equal(Appenders, (await LoadAsync()).Select(e => e.SubjectId).Distinct().Count());
    }

    private static AuditRecord Record(string action, string subjectId = "task-1", string? reason = null) =>
        new("lead@example.com", Guid.Parse("6d1c1c7e-0c1e-4f4e-9a53-3b8a3c1a9e01"), Platform.Teams, action,
            AuditSubjects.EvidenceTask, subjectId, """{"status":"Open"}""", """{"status":"Submitted","note":"Zürich, \"Q4\""}""", reason);

    private async Task<AuditTrailEntry> AppendAsync(string action, string subjectId = "task-1")
    {
        await using var db = _store.NewContext();
        return await AuditTrail.RunInTransactionAsync(db, ct => Trail.AppendAsync(db, Record(action, subjectId), ct));
    }

    private async Task AppendManyAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await AppendAsync($"task.step{i}");
        }
    }

    private static AuditTrailEntry Forged(long sequence, string previousHash, bool hashed)
    {
        var forged = new AuditTrailEntry
        {
            Sequence = sequence,
            OccurredAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
            Platform = Platform.Slack,
            Actor = "lead@example.com",
            Action = "task.accepted",
            SubjectType = AuditSubjects.EvidenceTask,
            SubjectId = "task-1",
            Reason = "looks fine",
            PreviousHash = previousHash,
            KeyId = TestAuditKeys.KeyId,
            Hash = new string('b', 64),
        };
        if (hashed)
        {
            forged.Hash = AuditTrail.ComputeMac(forged, Convert.FromBase64String(TestAuditKeys.Key));
        }

        return forged;
    }

    private async Task<List<AuditTrailEntry>> LoadAsync()
    {
        await using var db = _store.NewContext();
        return await db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<AuditChainReport> VerifyAsync()
    {
        await using var db = _store.NewContext();
        return await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring);
    }

    private async Task<AuditChainProblem> ProblemAsync()
    {
        var report = await VerifyAsync();
        Assert.False(report.Intact, "the tampering went unnoticed");
        return report.Problem!;
    }

    private async Task ExecuteAsync(FormattableString sql)
    {
        await using var db = _store.NewContext();
        await db.Database.ExecuteSqlAsync(sql);
    }

    /// <summary>Writes a row straight into the table, past <see cref="AuditTrail"/>, as someone with database access could.</summary>
    private async Task InsertAsync(AuditTrailEntry entry)
    {
        await using var db = _store.NewContext();
        db.AuditTrail.Add(entry);
        await db.SaveChangesAsync();
    }
}
