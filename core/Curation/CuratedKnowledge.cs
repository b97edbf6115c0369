using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Curation;

/// <summary>
/// The knowledge the bot answers from: the reviewed files plus the approved drafts in the database. Approved drafts
/// only ever grow in number (an approval is final), so their count is the knowledge version stamp: every question
/// reads it (one indexed count) and, when another instance or this one approved a draft since, the answerer is rebuilt
/// with the new entries before the question is answered. At start the stamp is unknown, so the first question loads
/// the drafts: they survive restarts.
/// </summary>
public sealed partial class CuratedKnowledge(QuestionAnswerer files, IOptions<KnowledgeOptions> options, ILogger<CuratedKnowledge> logger) : IDisposable
{
    private sealed record Snapshot(int Stamp, QuestionAnswerer Answerer);

    // -1: nothing read from the database yet.
    private volatile Snapshot _current = new(-1, files);
    private readonly SemaphoreSlim _rebuild = new(1, 1);

    /// <summary>The answerer as last refreshed (the files only until the first refresh).</summary>
    public QuestionAnswerer Current => _current.Answerer;

    /// <summary>The reviewed files alone, without drafts.</summary>
    public KnowledgeBase Files => files.KnowledgeBase;

    /// <summary>The answerer with every draft approved so far, on any instance; rebuilt only when the stamp moved.</summary>
    public async Task<QuestionAnswerer> RefreshAsync(ComplianceDbContext db, CancellationToken cancellationToken = default)
    {
        var stamp = await db.KnowledgeDrafts.CountAsync(d => d.Status == DraftStatus.Approved, cancellationToken);
        var current = _current;
        if (stamp == current.Stamp)
        {
            return current.Answerer;
        }

        await _rebuild.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (stamp == current.Stamp)
            {
                return current.Answerer; // another question rebuilt it while this one waited
            }

            var drafts = await db.KnowledgeDrafts.AsNoTracking().Where(d => d.Status == DraftStatus.Approved)
                .OrderBy(d => d.ReviewedAt).ThenBy(d => d.Id).ToListAsync(cancellationToken);
            var kb = files.KnowledgeBase;
            // A file entry wins over a draft of the same id: once exported and committed, the file is the reviewed text.
            var added = drafts.Where(d => !kb.ById.ContainsKey(d.EntryId)).DistinctBy(d => d.EntryId).Select(d => DraftRules.ToEntry(d, kb.Catalog)).ToList();
            var answerer = added.Count == 0
                ? files
                : new QuestionAnswerer(new KnowledgeBase([.. kb.Entries, .. added], kb.Catalog), options.Value.AbstainBelow, options.Value.RememberedAnswers);
            _current = new Snapshot(drafts.Count, answerer);
            LogRebuilt(logger, added.Count, drafts.Count);
            return answerer;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    public void Dispose() => _rebuild.Dispose();

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Knowledge base: answering from {Added} approved draft(s) besides the files (knowledge version {Stamp})")]
    private static partial void LogRebuilt(ILogger logger, int added, int stamp);
}
