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
}

/// <summary>The first thing wrong with the chain.</summary>
/// <param name="Kind">What it points to.</param>
/// <param name="Sequence">The entry concerned, when one can be named.</param>
/// <param name="Message">The problem in words a compliance lead understands, naming the entry.</param>
public sealed record AuditChainProblem(AuditChainProblemKind Kind, long? Sequence, string Message);

/// <summary>The outcome of walking the chain.</summary>
/// <param name="Entries">How many entries the store holds.</param>
/// <param name="HeadSequence">The last entry's number (0 when there is none).</param>
/// <param name="HeadHash">The last entry's hash (<see cref="AuditTrail.GenesisHash"/> when there is none).</param>
/// <param name="Problem">The first problem, or null when the chain is intact.</param>
public sealed record AuditChainReport(long Entries, long HeadSequence, string HeadHash, AuditChainProblem? Problem)
{
    public bool Intact => Problem is null;

    /// <summary>One line: <c>chain intact: N entries, head …</c>, or the problem.</summary>
    public string Summary => Problem?.Message ?? $"chain intact: {Entries} entries, head {HeadHash}";
}

/// <summary>Walks the audit trail in order and reports the first altered, inserted or deleted entry.</summary>
public static class AuditChainVerifier
{
    /// <summary>Checks every entry's number, link and hash.</summary>
    /// <param name="db">The store.</param>
    /// <param name="knownHead">A head hash recorded earlier (by an export); the chain must still contain it, which
    /// catches entries deleted from the end, the one thing a hash chain cannot show by itself.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static async Task<AuditChainReport> VerifyAsync(ComplianceDbContext db, string? knownHead = null, CancellationToken cancellationToken = default)
    {
        AuditTrailEntry? previous = null;
        AuditTrailEntry? beforePrevious = null;
        AuditChainProblem? problem = null;
        var entries = 0L;
        var knownHeadSeen = knownHead is null;
        var all = db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();
        await foreach (var entry in all.WithCancellation(cancellationToken))
        {
            entries++;
            problem ??= Check(entry, previous, beforePrevious);
            knownHeadSeen |= string.Equals(entry.Hash, knownHead, StringComparison.OrdinalIgnoreCase);
            beforePrevious = previous;
            previous = entry;
        }

        if (problem is null && !knownHeadSeen)
        {
            problem = new AuditChainProblem(AuditChainProblemKind.Deleted, null,
                $"the head {knownHead} recorded earlier is no longer in the chain: entries after it were deleted, or the chain was rewritten");
        }

        return new AuditChainReport(entries, previous?.Sequence ?? 0, previous?.Hash ?? AuditTrail.GenesisHash, problem);
    }

    /// <summary>The problem with <paramref name="entry"/>, given the two entries before it (already found sound).</summary>
    private static AuditChainProblem? Check(AuditTrailEntry entry, AuditTrailEntry? previous, AuditTrailEntry? beforePrevious)
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

        var contentMatches = string.Equals(AuditTrail.ComputeHash(entry), entry.Hash, StringComparison.Ordinal);
        if (string.Equals(entry.PreviousHash, previous?.Hash ?? AuditTrail.GenesisHash, StringComparison.Ordinal))
        {
            return contentMatches ? null : new(AuditChainProblemKind.Altered, number, $"entry {number} was altered: its content no longer matches its hash");
        }

        if (previous is null)
        {
            return contentMatches
                ? new(AuditChainProblemKind.Deleted, number, $"entries before entry {number} were deleted: it links to an entry that is no longer in the chain")
                : new(AuditChainProblemKind.Inserted, number, $"entry {number} was inserted or forged: it does not start the chain and its content does not match its hash");
        }

        if (beforePrevious is not null && string.Equals(entry.PreviousHash, beforePrevious.Hash, StringComparison.Ordinal))
        {
            return new(AuditChainProblemKind.Inserted, previous.Sequence,
                $"entry {previous.Sequence} was inserted: the entry after it still links to entry {beforePrevious.Sequence}");
        }

        return contentMatches
            ? new(AuditChainProblemKind.Altered, previous.Sequence, $"entry {previous.Sequence} was altered or replaced: entry {number} records a different hash for it")
            : new(AuditChainProblemKind.Inserted, number, $"entry {number} was inserted or forged: it does not link to entry {previous.Sequence} and its content does not match its hash");
    }
}
