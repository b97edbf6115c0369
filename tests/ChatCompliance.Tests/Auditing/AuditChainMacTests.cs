using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Auditing;

public sealed class SqliteAuditChainMacTests : AuditChainMacTests<SqliteTestStore>;

public sealed class PostgresAuditChainMacTests : AuditChainMacTests<PostgresTestStore>;

/// <summary>The keyed MAC against someone with write access to the database, key rotation, v1 entries, and anchors.</summary>
public abstract class AuditChainMacTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private static readonly byte[] OldKey = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly byte[] NewKey = [.. Enumerable.Range(200, 32).Select(i => (byte)i)];

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("cc-anchors-").FullName;

    private string AnchorFile => Path.Combine(_folder, "audit-anchors.jsonl");

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rewriting_an_entry_and_rechaining_with_plain_SHA256_fails_verification_at_that_entry(bool keepKeyId)
    {
        await AppendAsync(TestAuditKeys.Ring, 6);

        // An attacker with write access to the database but not the key: rewrites entry 3's before/after and
        // recomputes every later hash exactly as the v1 code did, so every link holds.
        await RechainWithoutKeyAsync(from: 3, keepKeyId, e => (e.Before, e.After) = ("""{"status":"Open"}""", """{"status":"Accepted"}"""));

        var report = await VerifyAsync(TestAuditKeys.Ring);
        Assert.False(report.Intact, "the rewrite went unnoticed");
        Assert.Equal((AuditChainProblemKind.Altered, 3L), (report.Problem!.Kind, report.Problem.Sequence));
        Assert.Equal(keepKeyId
            ? "entry 3 was altered: its MAC does not match its content (key test)"
            : "entry 3 was altered: it has a plain hash but follows MACed entries (rewritten without the key)", report.Summary);
    }

    [Fact]
    public async Task Rewriting_the_whole_chain_as_plain_SHA256_is_caught_by_the_pin_and_by_an_anchor()
    {
        await AppendAsync(TestAuditKeys.Ring, 4);
        await AnchorAsync(TestAuditKeys.Ring);

        await RechainWithoutKeyAsync(from: 1, keepKeyId: false, e => e.Reason = "never happened");

        // A chain of only v1 entries links up; the pin and the anchor, both outside the database, say it should not.
        Assert.True((await VerifyAsync(TestAuditKeys.Ring)).Intact);
        var pinned = new AuditKeyRing(new Dictionary<string, byte[]> { [TestAuditKeys.KeyId] = Convert.FromBase64String(TestAuditKeys.Key) }, TestAuditKeys.KeyId, plainHashEntries: 0);
        Assert.Equal("entry 1 was altered: it has a plain hash, but only entries 1 to 0 predate the MAC (Audit:PlainHashEntries): rewritten without the key",
            (await VerifyAsync(pinned)).Summary);
        var anchored = await VerifyAsync(TestAuditKeys.Ring, AuditAnchorFile.Read(AnchorFile));
        Assert.Equal(AuditChainProblemKind.AnchorMismatch, anchored.Problem?.Kind);
        Assert.StartsWith("the anchor on line 1 (anchored 2026-03-02T09:30:00.000000Z) does not match entry 4", anchored.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_from_before_the_MAC_still_verify_and_the_chain_continues_across()
    {
        // Three entries as the v1 code wrote them: no key id, plain SHA-256.
        await using (var db = _store.NewContext())
        {
            var previous = AuditTrail.GenesisHash;
            for (var i = 1; i <= 3; i++)
            {
                var entry = Entry(i, previous);
                entry.Hash = AuditTrail.ComputeHash(entry);
                db.AuditTrail.Add(entry);
                previous = entry.Hash;
            }

            await db.SaveChangesAsync();
        }

        await AppendAsync(TestAuditKeys.Ring, 2);

        var entries = await LoadAsync();
        Assert.Equal([null, null, null, "test", "test"], entries.Select(e => e.KeyId));
        Assert.Equal(entries[2].Hash, entries[3].PreviousHash);
        var report = await VerifyAsync(TestAuditKeys.Ring);
        Assert.True(report.Intact, report.Summary);
        Assert.Equal(3, report.PlainHashEntries);
        Assert.EndsWith("(entries 1 to 3 predate the MAC: plain SHA-256; pin with Audit:PlainHashEntries=3)", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_MACed_with_a_rotated_out_key_verify_while_it_is_configured_and_fail_by_name_when_it_is_not()
    {
        await AppendAsync(new AuditKeyRing(new Dictionary<string, byte[]> { ["2025"] = OldKey }, "2025"), 2);
        var rotated = new AuditKeyRing(new Dictionary<string, byte[]> { ["2025"] = OldKey, ["2026"] = NewKey }, "2026");
        await AppendAsync(rotated, 2);

        Assert.Equal(["2025", "2025", "2026", "2026"], (await LoadAsync()).Select(e => e.KeyId));
        var report = await VerifyAsync(rotated);
        Assert.True(report.Intact, report.Summary);
        Assert.Equal("2026", report.HeadKeyId);

        var forgotten = await VerifyAsync(new AuditKeyRing(new Dictionary<string, byte[]> { ["2026"] = NewKey }, "2026"));
        Assert.Equal((AuditChainProblemKind.UnknownKey, 1L), (forgotten.Problem?.Kind, forgotten.Problem?.Sequence));
        Assert.Equal("entry 1 names the MAC key '2025', which is not configured (Audit:Keys:2025): it cannot be checked", forgotten.Summary);

        var wrong = await VerifyAsync(new AuditKeyRing(new Dictionary<string, byte[]> { ["2025"] = NewKey, ["2026"] = NewKey }, "2026"));
        Assert.Equal("entry 1 was altered: its MAC does not match its content (key 2025)", wrong.Summary);
    }

    [Fact]
    public async Task Anchoring_appends_the_head_once_and_posts_it_once_to_each_channel_subscribed_to_audits()
    {
        var channel = await SubscribeAsync();
        await AppendAsync(TestAuditKeys.Ring, 3);

        var first = await AnchorAsync(TestAuditKeys.Ring);
        _time.Advance(TimeSpan.FromHours(1));
        var again = await AnchorAsync(TestAuditKeys.Ring);
        await AppendAsync(TestAuditKeys.Ring, 1);
        var second = await AnchorAsync(TestAuditKeys.Ring);

        Assert.Equal((true, 1), (first.Appended, first.Posted));
        Assert.Equal((false, 0), (again.Appended, again.Posted));
        Assert.Equal((true, 1), (second.Appended, second.Posted));
        var lines = await File.ReadAllLinesAsync(AnchorFile);
        Assert.Equal(2, lines.Length);
        var entries = await LoadAsync();
        Assert.Equal([(3L, entries[2].Hash, "test"), (4L, entries[3].Hash, "test")],
            AuditAnchorFile.Read(AnchorFile).Select(a => (a.Anchor.Sequence, a.Anchor.Mac, a.Anchor.KeyId)));
        Assert.Contains($"\"mac\":\"{entries[2].Hash}\"", lines[0], StringComparison.Ordinal);

        await using var db = _store.NewContext();
        var posted = await db.Outbox.Where(o => o.Kind == "audit.anchor").OrderBy(o => o.CreatedAt).ToListAsync();
        Assert.Equal(2, posted.Count);
        Assert.All(posted, o => Assert.Equal(channel, o.ConversationReferenceId));
        Assert.Contains(entries[3].Hash, posted[1].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verifying_against_the_anchors_passes_on_an_intact_chain_and_fails_after_a_truncation_naming_the_anchor()
    {
        await AppendAsync(TestAuditKeys.Ring, 5);
        await AnchorAsync(TestAuditKeys.Ring);
        var intact = await VerifyAsync(TestAuditKeys.Ring, AuditAnchorFile.Read(AnchorFile));
        Assert.True(intact.Intact, intact.Summary);
        Assert.EndsWith("; 1 anchor(s) match", intact.Summary, StringComparison.Ordinal);

        await using (var db = _store.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditTrail" WHERE "Sequence" >= 4""");
        }

        Assert.True((await VerifyAsync(TestAuditKeys.Ring)).Intact, "a chain cut at its end still links up; only the anchor shows the cut");
        var cut = await VerifyAsync(TestAuditKeys.Ring, AuditAnchorFile.Read(AnchorFile));
        Assert.Equal((AuditChainProblemKind.AnchorMismatch, 5L), (cut.Problem?.Kind, cut.Problem?.Sequence));
        Assert.Equal("the anchor on line 1 (anchored 2026-03-02T09:30:00.000000Z) names entry 5, but the chain ends at entry 3: entries were deleted from its end", cut.Summary);
    }

    [Fact]
    public async Task A_broken_chain_is_not_anchored_and_the_channels_get_an_alert_once()
    {
        await SubscribeAsync();
        await AppendAsync(TestAuditKeys.Ring, 3);
        await using (var db = _store.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "AuditTrail" SET "Actor" = 'someone@else.example' WHERE "Sequence" = 2""");
        }

        var result = await AnchorAsync(TestAuditKeys.Ring);
        var again = await AnchorAsync(TestAuditKeys.Ring);

        Assert.Null(result.Anchor);
        Assert.Equal((1, 0), (result.Posted, again.Posted));
        Assert.False(File.Exists(AnchorFile));
        await using var check = _store.NewContext();
        Assert.Equal("audit.chain-broken", Assert.Single(await check.Outbox.ToListAsync()).Kind);
    }

    private async Task<AuditAnchorResult> AnchorAsync(AuditKeyRing keys)
    {
        await using var db = _store.NewContext();
        var anchorer = new AuditAnchorer(db, keys, Options.Create(new AuditOptions { AnchorFile = AnchorFile }), _time);
        return await anchorer.AnchorAsync();
    }

    private async Task<Guid> SubscribeAsync()
    {
        await using var db = _store.NewContext();
        var conversation = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = "C0COMPLIANCE", UpdatedAt = _time.GetUtcNow() };
        db.ConversationReferences.Add(conversation);
        db.ChannelSubscriptions.Add(new ChannelSubscription { ConversationReferenceId = conversation.Id, Topic = SubscriptionTopic.Audits, CreatedAt = _time.GetUtcNow() });
        await db.SaveChangesAsync();
        return conversation.Id;
    }

    private async Task AppendAsync(AuditKeyRing keys, int count)
    {
        var trail = new AuditTrail(_time, keys);
        for (var i = 0; i < count; i++)
        {
            await using var db = _store.NewContext();
            await AuditTrail.RunInTransactionAsync(db, ct => trail.AppendAsync(db, new AuditRecord("lead@example.com", null, Platform.Slack, "task.accepted",
                AuditSubjects.EvidenceTask, $"task-{i}", """{"status":"Submitted"}""", """{"status":"Accepted"}""", "complete"), ct));
        }
    }

    /// <summary>Rewrites entries from <paramref name="from"/> on with plain SHA-256 (the v1 code's hash), straight in the table.</summary>
    private async Task RechainWithoutKeyAsync(long from, bool keepKeyId, Action<AuditTrailEntry> change)
    {
        await using var db = _store.NewContext();
        var entries = await db.AuditTrail.OrderBy(e => e.Sequence).ToListAsync();
        var previous = from == 1 ? AuditTrail.GenesisHash : entries.Single(e => e.Sequence == from - 1).Hash;
        foreach (var entry in entries.Where(e => e.Sequence >= from))
        {
            if (entry.Sequence == from)
            {
                change(entry);
            }

            entry.KeyId = keepKeyId ? entry.KeyId : null;
            entry.PreviousHash = previous;
            entry.Hash = AuditTrail.ComputeHash(entry);
            previous = entry.Hash;
        }

        await db.SaveChangesAsync();
    }

    private AuditTrailEntry Entry(long sequence, string previousHash) => new()
    {
        Sequence = sequence,
        OccurredAt = _time.GetUtcNow(),
        Platform = Platform.Teams,
        Actor = "lead@example.com",
        Action = "task.created",
        SubjectType = AuditSubjects.EvidenceTask,
        SubjectId = $"task-{sequence}",
        After = """{"status":"Open"}""",
        PreviousHash = previousHash,
        Hash = "",
    };

    private async Task<List<AuditTrailEntry>> LoadAsync()
    {
        await using var db = _store.NewContext();
        return await db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task<AuditChainReport> VerifyAsync(AuditKeyRing keys, IReadOnlyList<AuditAnchorLine>? anchors = null)
    {
        await using var db = _store.NewContext();
        return await AuditChainVerifier.VerifyAsync(db, keys, anchors: anchors);
    }
}
