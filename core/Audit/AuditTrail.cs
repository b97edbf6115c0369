using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChatCompliance.Core.Audit;

/// <summary>
/// Appends entries to the audit trail, in the same transaction as the change they record, each chained to the one
/// before it by an HMAC-SHA256 under the current key of <see cref="AuditKeyRing"/> (format v2; entries written before
/// the MAC, with no key id, are plain SHA-256, format v1).
/// </summary>
/// <remarks>
/// <para>Every transition or decision goes through <see cref="RunInTransactionAsync{T}"/>:</para>
/// <code>
/// await AuditTrail.RunInTransactionAsync(db, async ct =>
/// {
///     var task = await db.EvidenceTasks.SingleAsync(t => t.Id == id, ct);
///     var before = Snapshot(task);
///     task.Status = EvidenceTaskStatus.Submitted;
///     await auditTrail.AppendAsync(db, new AuditRecord(actor, personId, Platform.Teams, "task.submitted",
///         AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), before, Snapshot(task), Reason: null), ct);
/// }, cancellationToken);
/// </code>
/// <para>It begins a transaction that serialises appenders (PostgreSQL: READ COMMITTED and a transaction-scoped
/// advisory lock taken by the first append; SQLite: <c>BEGIN IMMEDIATE</c>, so the write lock is held from the
/// start), runs the work, saves the context and commits: the change and its entries are stored together or not
/// at all, and each entry is numbered head + 1 and linked to the head's hash with no other appender in between.
/// Work that is already inside a transaction on the context joins it; its owner saves and commits, and
/// must have begun it the same way (EF Core's <c>BeginTransactionAsync()</c> does on both providers).</para>
/// </remarks>
public sealed class AuditTrail(TimeProvider time, AuditKeyRing keys)
{
    /// <summary>The previous hash of the first entry.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The first line of the hashed text of an entry without a key id; a new layout gets a new version.</summary>
    private const string HashFormat = "chatcompliance-audit-v1";

    /// <summary>The first line of the MACed text of an entry with a key id.</summary>
    private const string MacFormat = "chatcompliance-audit-v2";

    // Any constant nothing else in the database locks on; the ASCII of "CCAUDIT1".
    private const long ChainLockKey = 0x4343_4155_4449_5431;

    /// <summary>Runs <paramref name="work"/> in a transaction fit for appending, saves the context and commits.</summary>
    public static Task RunInTransactionAsync(ComplianceDbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        RunInTransactionAsync(db, async ct =>
        {
            await work(ct);
            return true;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction fit for appending, saves the context, commits and returns the work's result.</summary>
    public static async Task<T> RunInTransactionAsync<T>(ComplianceDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await work(cancellationToken);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            try
            {
                await using var transaction = await BeginAsync(db, ct);
                var result = await work(ct);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return result;
            }
            catch
            {
                // Rolled back: entries the context still tracks would make the next append chain on nothing.
                foreach (var entry in db.ChangeTracker.Entries<AuditTrailEntry>().ToList())
                {
                    entry.State = EntityState.Detached;
                }

                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Adds the next entry to <paramref name="db"/>, to be stored by the caller's <c>SaveChanges</c> and commit.
    /// Must run inside <see cref="RunInTransactionAsync{T}"/> (or a transaction begun the same way) on the same context.
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction, or one that cannot keep the chain straight.</exception>
    public async Task<AuditTrailEntry> AppendAsync(ComplianceDbContext db, AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Actor, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Action, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.SubjectType, nameof(record));
        ArgumentException.ThrowIfNullOrWhiteSpace(record.SubjectId, nameof(record));

        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("An audit-trail entry must be appended in the transaction of the change it records: use AuditTrail.RunInTransactionAsync.");
        if (db.Database.IsNpgsql())
        {
            var isolation = transaction.GetDbTransaction().IsolationLevel;
            if (isolation is not (IsolationLevel.ReadCommitted or IsolationLevel.Unspecified))
            {
                // A snapshot taken before the lock was granted would not see the entry committed just before.
                throw new InvalidOperationException($"The audit trail needs a READ COMMITTED transaction on PostgreSQL, not {isolation}.");
            }

            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", cancellationToken);
        }

        var (headSequence, headHash) = await HeadAsync(db, cancellationToken);
        var now = time.GetUtcNow();
        var entry = new AuditTrailEntry
        {
            Sequence = headSequence + 1,
            // Whole microseconds: what PostgreSQL keeps, so the stored time hashes as it was hashed here.
            OccurredAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero),
            Platform = record.Platform,
            Actor = record.Actor,
            ActorPersonId = record.ActorPersonId,
            Action = record.Action,
            SubjectType = record.SubjectType,
            SubjectId = record.SubjectId,
            Before = record.Before,
            After = record.After,
            Reason = record.Reason,
            PreviousHash = headHash,
            KeyId = keys.CurrentKeyId,
            Hash = "",
        };
        entry.Hash = ComputeMac(entry, keys.CurrentKey);
        db.AuditTrail.Add(entry);
        return entry;
    }

    /// <summary>
    /// The v1 hash (entries without a key id): SHA-256, as lower-case hex, over the entry's fields in a fixed order, each
    /// written as <c>{UTF-8 byte length}:{value}\n</c> (or <c>-\n</c> for null) after the line <c>chatcompliance-audit-v1</c>:
    /// sequence, time (UTC, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>), platform name, actor, actor person id, action,
    /// subject type, subject id, before, after, reason, previous hash.
    /// </summary>
    public static string ComputeHash(AuditTrailEntry entry) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(entry, HashFormat).ToString())));

    /// <summary>
    /// The v2 MAC (entries with a key id): HMAC-SHA256 under <paramref name="key"/>, as lower-case hex, over the same
    /// fields as <see cref="ComputeHash"/> after the line <c>chatcompliance-audit-v2</c>, followed by the key id.
    /// </summary>
    internal static string ComputeMac(AuditTrailEntry entry, byte[] key)
    {
        var text = Canonical(entry, MacFormat);
        Field(text, entry.KeyId);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static StringBuilder Canonical(AuditTrailEntry entry, string format)
    {
        var text = new StringBuilder(format).Append('\n');
        Field(text, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(text, FormatTime(entry.OccurredAt));
        Field(text, entry.Platform.ToString());
        Field(text, entry.Actor);
        Field(text, entry.ActorPersonId?.ToString("D"));
        Field(text, entry.Action);
        Field(text, entry.SubjectType);
        Field(text, entry.SubjectId);
        Field(text, entry.Before);
        Field(text, entry.After);
        Field(text, entry.Reason);
        Field(text, entry.PreviousHash);
        return text;
    }

    /// <summary>A time as the hash and the export write it: UTC to the microsecond.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    // Length-prefixed, so no two field lists give the same text; "-" keeps null apart from "".
    private static void Field(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("-\n");
            return;
        }

        text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
    }

    /// <summary>The last entry: one this context added and has not saved yet, else the store's.</summary>
    private static async Task<(long Sequence, string Hash)> HeadAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var pending = db.ChangeTracker.Entries<AuditTrailEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .MaxBy(e => e.Sequence);
        if (pending is not null)
        {
            return (pending.Sequence, pending.Hash);
        }

        var head = await db.AuditTrail.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, GenesisHash) : (head.Sequence, head.Hash);
    }

    private static Task<IDbContextTransaction> BeginAsync(ComplianceDbContext db, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken)
            // Microsoft.Data.Sqlite begins IMMEDIATE unless asked to defer: the write lock is ours from here.
            : db.Database.BeginTransactionAsync(cancellationToken);
}
