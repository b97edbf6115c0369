using System.Security.Cryptography;
using System.Text;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Audit;

/// <summary>What kind of tampering a problem points to.</summary>
public enum AuditChainProblemKind
{
    /// <summary>An entry's content was changed after it was written.</summary>
    Altered = 0,
    /// <summary>An entry was added that the application did not write.</summary>
    Inserted = 1,
    /// <summary>One or more entries are gone.</summary>
    Deleted = 2,
    /// <summary>An entry names a MAC key that is not configured, so it cannot be checked.</summary>
    UnknownKey = 3,
    /// <summary>A head anchored outside the database no longer matches the chain.</summary>
    AnchorMismatch = 4,
}

/// <summary>The first thing wrong with the chain.</summary>
/// <param name="Kind">What it points to.</param>
/// <param name="Sequence">The entry concerned, when one can be named.</param>
/// <param name="Message">The problem in words a compliance lead understands, naming the entry.</param>
public sealed record AuditChainProblem(AuditChainProblemKind Kind, long? Sequence, string Message);

/// <summary>The outcome of walking the chain.</summary>
/// <param name="Entries">How many entries the store holds.</param>
/// <param name="HeadSequence">The last entry's number (0 when there is none).</param>
/// <param name="HeadHash">The last entry's MAC or hash (<see cref="AuditTrail.GenesisHash"/> when there is none).</param>
/// <param name="Problem">The first problem, or null when the chain is intact.</param>
public sealed record AuditChainReport(long Entries, long HeadSequence, string HeadHash, AuditChainProblem? Problem)
{
    public bool Intact => Problem is null;

    /// <summary>The key id of the last entry (null when it is a v1 entry or there is none).</summary>
    public string? HeadKeyId { get; init; }

    /// <summary>When the last entry was written (null when there is none).</summary>
    public DateTimeOffset? HeadAt { get; init; }

    /// <summary>How many entries (at the start of the chain) predate the MAC: plain SHA-256, format v1.</summary>
    public long PlainHashEntries { get; init; }

    /// <summary>How many anchors were checked against the chain.</summary>
    public int AnchorsChecked { get; init; }

    /// <summary>One line: <c>chain intact: N entries, head …</c>, or the problem.</summary>
    public string Summary => Problem?.Message ?? $"chain intact: {Entries} entries, head {HeadHash}"
        + (PlainHashEntries > 0 ? $" (entries 1 to {PlainHashEntries} predate the MAC: plain SHA-256; pin with Audit:PlainHashEntries={PlainHashEntries})" : "")
        + (AnchorsChecked > 0 ? $"; {AnchorsChecked} anchor(s) match" : "");
}

/// <summary>Walks the audit trail in order and reports the first altered, inserted, deleted or unverifiable entry.</summary>
public static class AuditChainVerifier
{
    /// <summary>Checks every entry's number, link and MAC (or, for v1 entries, hash).</summary>
    /// <param name="db">The store.</param>
    /// <param name="keys">The MAC keys; each entry is checked with the key its id names.</param>
    /// <param name="knownHead">A head hash recorded earlier (by an export); the chain must still contain it, which
    /// catches entries deleted from the end, the one thing a chain cannot show by itself.</param>
    /// <param name="anchors">Heads anchored outside the database; each must still be in the chain, with the same MAC and key.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static async Task<AuditChainReport> VerifyAsync(ComplianceDbContext db, AuditKeyRing keys, string? knownHead = null,
        IReadOnlyList<AuditAnchorLine>? anchors = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        AuditTrailEntry? previous = null;
        AuditTrailEntry? beforePrevious = null;
        AuditChainProblem? problem = null;
        var entries = 0L;
        var plain = 0L;
        var knownHeadSeen = knownHead is null;
        var anchored = (anchors ?? []).ToLookup(a => a.Anchor.Sequence);
        AuditChainProblem? anchorProblem = null;
        var all = db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (var entry in all.WithCancellation(cancellationToken))
        {
            entries++;
            problem ??= Check(entry, previous, beforePrevious, keys, macSeen: entries - 1 > plain);
            if (problem is null && entry.KeyId is null)
            {
                plain++;
            }

            knownHeadSeen |= string.Equals(entry.Hash, knownHead, StringComparison.OrdinalIgnoreCase);
            anchorProblem ??= anchored[entry.Sequence].Select(a => Mismatch(a, entry)).FirstOrDefault(p => p is not null);
            beforePrevious = previous;
            previous = entry;
        }

        if (problem is null && !knownHeadSeen)
        {
            problem = new AuditChainProblem(AuditChainProblemKind.Deleted, null,
                $"the head {knownHead} recorded earlier is no longer in the chain: entries after it were deleted, or the chain was rewritten");
        }

        var head = previous?.Sequence ?? 0;
        problem ??= anchorProblem ?? (anchors ?? []).Where(a => a.Anchor.Sequence > head).Select(a => new AuditChainProblem(AuditChainProblemKind.AnchorMismatch, a.Anchor.Sequence,
            $"{Name(a)} names entry {a.Anchor.Sequence}, but the chain ends at entry {head}: entries were deleted from its end")).FirstOrDefault();

        return new AuditChainReport(entries, head, previous?.Hash ?? AuditTrail.GenesisHash, problem)
        {
            HeadKeyId = previous?.KeyId,
            HeadAt = previous?.OccurredAt,
            PlainHashEntries = plain,
            AnchorsChecked = anchors?.Count ?? 0,
        };
    }

    private static AuditChainProblem? Mismatch(AuditAnchorLine anchor, AuditTrailEntry entry) =>
        string.Equals(anchor.Anchor.Mac, entry.Hash, StringComparison.OrdinalIgnoreCase) && string.Equals(anchor.Anchor.KeyId, entry.KeyId, StringComparison.Ordinal)
            ? null
            : new(AuditChainProblemKind.AnchorMismatch, entry.Sequence,
                $"{Name(anchor)} does not match entry {entry.Sequence}: anchored MAC {anchor.Anchor.Mac} (key {anchor.Anchor.KeyId ?? "none"}), "
                + $"stored {entry.Hash} (key {entry.KeyId ?? "none"}): the chain was rewritten after it was anchored");

    private static string Name(AuditAnchorLine anchor) => $"the anchor on line {anchor.Line} (anchored {AuditTrail.FormatTime(anchor.Anchor.AnchoredAt)})";

    /// <summary>The problem with <paramref name="entry"/>, given the two entries before it (already found sound).</summary>
    private static AuditChainProblem? Check(AuditTrailEntry entry, AuditTrailEntry? previous, AuditTrailEntry? beforePrevious, AuditKeyRing keys, bool macSeen)
    {
        var number = entry.Sequence;
        var expected = (previous?.Sequence ?? 0) + 1;
        if (number < expected)
        {
            return new(AuditChainProblemKind.Inserted, number, $"entry {number} appears more than once: one of them was inserted");
        }

        if (number > expected)
        {
            var where = previous is null ? $"the chain starts at entry {number}" : $"the chain goes from entry {previous.Sequence} to entry {number}";
            return new(AuditChainProblemKind.Deleted, expected, number == expected + 1
                ? $"entry {expected} was deleted: {where}"
                : $"entries {expected} to {number - 1} were deleted: {where}");
        }

        bool contentMatches;
        string altered, forged;
        if (entry.KeyId is null)
        {
            // Entries are MACed from the first one written with a key on: a plain hash after that was made without the key.
            var beyond = keys.PlainHashEntries is { } limit && number > limit;
            contentMatches = !macSeen && !beyond && string.Equals(AuditTrail.ComputeHash(entry), entry.Hash, StringComparison.Ordinal);
            (altered, forged) = macSeen
                ? ("it has a plain hash but follows MACed entries (rewritten without the key)", "it has a plain hash but follows MACed entries")
                : beyond
                ? ($"it has a plain hash, but only entries 1 to {keys.PlainHashEntries} predate the MAC (Audit:PlainHashEntries): rewritten without the key",
                    $"it has a plain hash, but only entries 1 to {keys.PlainHashEntries} predate the MAC (Audit:PlainHashEntries)")
                : ("its content no longer matches its hash", "its content does not match its hash");
        }
        else
        {
            if (!keys.TryGetKey(entry.KeyId, out var key))
            {
                return new(AuditChainProblemKind.UnknownKey, number,
                    $"entry {number} names the MAC key '{entry.KeyId}', which is not configured (Audit:Keys:{entry.KeyId}): it cannot be checked");
            }

            contentMatches = CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(AuditTrail.ComputeMac(entry, key)), Encoding.ASCII.GetBytes(entry.Hash));
            altered = $"its MAC does not match its content (key {entry.KeyId})";
            forged = altered;
        }

        if (string.Equals(entry.PreviousHash, previous?.Hash ?? AuditTrail.GenesisHash, StringComparison.Ordinal))
        {
            return contentMatches ? null : new(AuditChainProblemKind.Altered, number, $"entry {number} was altered: {altered}");
        }

        if (previous is null)
        {
            return contentMatches
                ? new(AuditChainProblemKind.Deleted, number, $"entries before entry {number} were deleted: it links to an entry that is no longer in the chain")
                : new(AuditChainProblemKind.Inserted, number, $"entry {number} was inserted or forged: it does not start the chain and {forged}");
        }

        if (beforePrevious is not null && string.Equals(entry.PreviousHash, beforePrevious.Hash, StringComparison.Ordinal))
        {
            return new(AuditChainProblemKind.Inserted, previous.Sequence,
                $"entry {previous.Sequence} was inserted: the entry after it still links to entry {beforePrevious.Sequence}");
        }

        return contentMatches
            ? new(AuditChainProblemKind.Altered, previous.Sequence, $"entry {previous.Sequence} was altered or replaced: entry {number} records a different hash for it")
            : new(AuditChainProblemKind.Inserted, number, $"entry {number} was inserted or forged: it does not link to entry {previous.Sequence} and {forged}");
    }
}
