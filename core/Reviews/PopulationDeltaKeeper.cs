using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// Keeps each recurring series' delta state alive between periods. Graph forgets a delta link after 7 days, so a
/// monthly or quarterly series would otherwise find it expired at every launch and read in full: a state older than
/// <see cref="MoveAfter"/> is moved forward (the changes since applied, a new link kept). One the directory can't move
/// is dropped, and so is one whose series no longer recurs; the next launch of that series reads in full. Safe to
/// repeat and on several instances: every state written is a link with the membership at that link.
/// </summary>
public sealed class PopulationDeltaKeeper(ComplianceDbContext db, IAccessDirectory directory, TimeProvider time)
{
    /// <summary>How old a state may get before it is moved: well inside Graph's 7 days, so a missed run or two still finds it alive.</summary>
    public static readonly TimeSpan MoveAfter = TimeSpan.FromDays(3);

    /// <summary>Moves forward or drops every state due; returns how many were moved.</summary>
    public async Task<int> KeepAsync(ICollection<JobRowFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var recurring = (await db.AccessReviewCampaigns.AsNoTracking()
                .Where(c => c.Recurrence != Recurrence.None && c.ResourceKind != ReviewResourceKind.CsvAccounts && c.Status != CampaignStatus.Cancelled)
                .Select(c => c.SeriesId ?? c.Id)
                .ToListAsync(cancellationToken))
            .ToHashSet();
        var due = await db.PopulationDeltas.AsNoTracking().Where(d => d.TakenAt <= now - MoveAfter).OrderBy(d => d.TakenAt).Select(d => d.SeriesId).ToListAsync(cancellationToken);
        var moved = 0;
        foreach (var seriesId in due)
        {
            try
            {
                moved += await KeepOneAsync(seriesId, recurring.Contains(seriesId), now, cancellationToken) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException && failures is not null)
            {
                failures.Add(new JobRowFailure($"the delta state of access review series {AuditSubjects.Id(seriesId)}", e.Message));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        return moved;
    }

    private async Task<bool> KeepOneAsync(Guid seriesId, bool recurs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await db.PopulationDeltas.SingleOrDefaultAsync(d => d.SeriesId == seriesId, cancellationToken);
        if (state is null || state.TakenAt > now - MoveAfter)
        {
            return false; // a launch wrote it meanwhile
        }

        var next = recurs ? await directory.AdvanceDeltaAsync(state.ResourceKind, state.ResourceId, new DeltaState(state.Link, state.Membership), cancellationToken) : null;
        if (next is null)
        {
            db.PopulationDeltas.Remove(state);
        }
        else
        {
            (state.Link, state.Membership, state.TakenAt) = (next.Link, next.Membership, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // a launch dropped it meanwhile
        }

        return next is not null;
    }
}
