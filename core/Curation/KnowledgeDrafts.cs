using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Duties;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Curation;

public enum DraftOutcomeKind
{
    /// <summary>The draft was created or changed.</summary>
    Done,
    /// <summary>Nothing to do: the draft already is as asked (a second click, a second approval).</summary>
    Unchanged,
    NotFound,
    /// <summary>Not allowed: not a lead, separation of duties, or a state that does not allow it.</summary>
    Refused,
    /// <summary>The input is wrong (too long, an unknown reference, not an address).</summary>
    Invalid,
    /// <summary>The draft changed since the version the caller saw (or someone decided first).</summary>
    Changed,
}

/// <summary>What became of a draft action: the kind, a chat sentence (Markdown) and the draft as it is now.</summary>
public sealed record DraftOutcome(DraftOutcomeKind Kind, Notice Message, KnowledgeDraft? Draft = null);

/// <summary>A lead's changes to a pending draft; null leaves a field as it is. Lists are one item a line.</summary>
public sealed record DraftChanges(
    string? Title = null, string? Body = null, string? Phrasings = null, string? References = null, string? SourceTitle = null, string? SourceUrl = null);

/// <summary>
/// The curation loop's decisions, whatever the door (chat card, admin API): a lead saves a team answer as a draft,
/// leads edit, approve or reject it. Every change is written with its audit entry in one transaction; every refusal
/// changes nothing (a separation-of-duties refusal is itself audited, as for tasks).
/// </summary>
public sealed class KnowledgeDrafts(ComplianceDbContext db, AuditTrail audit, CuratedKnowledge knowledge, IOptions<SeparationOfDutiesOptions> duties, TimeProvider time)
{
    public const string OnlyLeads = "Only a compliance lead can curate the knowledge base.";

    public const string NotFoundMessage = "I can't find that draft any more.";

    private const int MaximumReasonLength = 2000;

    /// <summary>The drafts in a state, oldest first (<paramref name="status"/> null: all).</summary>
    public Task<List<KnowledgeDraft>> ListAsync(DraftStatus? status = DraftStatus.Pending, int take = 50, CancellationToken cancellationToken = default) =>
        db.KnowledgeDrafts.AsNoTracking().Where(d => status == null || d.Status == status)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Take(take).ToListAsync(cancellationToken);

    /// <summary>
    /// "Save as draft" on a lead's answer to a handed-off question: the question becomes the first phrasing, the answer
    /// the body, references only where the detector finds catalog ids, the team's answer (dated) the source, the lead
    /// the owner. Saving the same answer twice changes nothing.
    /// </summary>
    public async Task<DraftOutcome> SaveFromAnswerAsync(Guid questionId, TaskActor actor, CancellationToken cancellationToken = default)
    {
        if (!IsLeadPerson(actor))
        {
            return new(DraftOutcomeKind.Refused, OnlyLeads);
        }

        var question = await db.Questions.AsNoTracking().SingleOrDefaultAsync(q => q.Id == questionId, cancellationToken);
        if (question is null)
        {
            return new(DraftOutcomeKind.NotFound, "I can't find that question any more.");
        }

        if (question.Status != QuestionStatus.AnsweredByLead || string.IsNullOrWhiteSpace(question.Answer))
        {
            return new(DraftOutcomeKind.Invalid, "That question has no answer from the compliance team yet: answer it first, then save the answer as a draft.");
        }

        var existing = await db.KnowledgeDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.QuestionId == questionId && d.Status != DraftStatus.Rejected, cancellationToken);
        if (existing is not null)
        {
            return new(DraftOutcomeKind.Unchanged, Notice.Of($"That answer is already a draft ({Notice.Stress(existing.EntryId)}). Type {Notice.Stress("kb drafts")} to review it."), existing);
        }

        var answer = question.Answer.Trim();
        if (answer.Length > DraftRules.MaximumBodyLength)
        {
            return new(DraftOutcomeKind.Invalid, $"That answer is longer than an entry can be ({DraftRules.MaximumBodyLength} characters). Nothing was saved.");
        }

        var catalog = knowledge.Files.Catalog;
        var detector = new ReferenceDetector(catalog);
        var references = detector.Detect(question.Text).References.Concat(detector.Detect(answer).References).Distinct(StringComparer.Ordinal).ToList();
        var answeredOn = DateOnly.FromDateTime((question.AnsweredAt ?? time.GetUtcNow()).UtcDateTime);
        var draft = new KnowledgeDraft
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            EntryId = await UniqueIdAsync(DraftRules.ProposeId(question.Text), cancellationToken),
            Title = DraftRules.ProposeTitle(question.Text),
            Body = answer,
            Phrasings = Cut(DraftRules.OneLine(question.Text), DraftRules.MaximumPhrasingLength),
            References = string.Join('\n', references),
            SourceTitle = DraftRules.TeamAnswerTitle(answeredOn),
            Owner = actor.Person!.Email,
            AuthorId = question.AnsweredById ?? actor.Person.Id,
            QuestionId = question.Id,
            Status = DraftStatus.Pending,
            CreatedAt = time.GetUtcNow(),
        };

        return await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            db.KnowledgeDrafts.Add(draft);
            await audit.AppendAsync(db, Record(actor, "kb.draft_created", draft, null, ChangeSnapshots.Of(draft), $"from question {AuditSubjects.Id(question.Id)}"), ct);
            return new DraftOutcome(DraftOutcomeKind.Done, Notice.Of($"Saved as draft {Notice.Stress(draft.EntryId)}. Another compliance lead reviews it with {Notice.Stress("kb drafts")}."), draft);
        }, cancellationToken);
    }

    /// <summary>A lead changes a pending draft's title, answer, phrasings, references or source.</summary>
    public async Task<DraftOutcome> EditAsync(Guid id, int? expectedVersion, TaskActor actor, DraftChanges changes, CancellationToken cancellationToken = default)
    {
        if (!IsLeadPerson(actor) && !(actor.Person is null && actor.ActsAsLead))
        {
            return new(DraftOutcomeKind.Refused, OnlyLeads);
        }

        if (Validate(changes) is { } invalid)
        {
            return new(DraftOutcomeKind.Invalid, invalid);
        }

        return await DecideAsync(id, expectedVersion, actor, async (draft, ct) =>
        {
            if (draft.Status != DraftStatus.Pending)
            {
                return new DraftOutcome(DraftOutcomeKind.Refused, $"That draft was already {Word(draft.Status)}, so it can't be edited any more.", draft);
            }

            var before = ChangeSnapshots.Of(draft);
            draft.Title = changes.Title is null ? draft.Title : DraftRules.OneLine(changes.Title);
            draft.Body = changes.Body?.Trim() ?? draft.Body;
            draft.Phrasings = changes.Phrasings is null ? draft.Phrasings : string.Join('\n', DraftRules.Lines(changes.Phrasings).Select(DraftRules.OneLine));
            draft.References = changes.References is null ? draft.References : string.Join('\n', DraftRules.Lines(changes.References));
            draft.SourceTitle = string.IsNullOrWhiteSpace(changes.SourceTitle) ? draft.SourceTitle : DraftRules.OneLine(changes.SourceTitle);
            draft.SourceUrl = changes.SourceUrl is null ? draft.SourceUrl : changes.SourceUrl.Trim() is { Length: > 0 } url ? url : null;
            if (ChangeSnapshots.Of(draft) == before)
            {
                return new DraftOutcome(DraftOutcomeKind.Unchanged, Notice.Of($"Nothing changed in draft {Notice.Stress(draft.EntryId)}."), draft);
            }

            draft.Version++;
            await audit.AppendAsync(db, Record(actor, "kb.draft_edited", draft, before, ChangeSnapshots.Of(draft), null), ct);
            return new DraftOutcome(DraftOutcomeKind.Done, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} saved."), draft);
        }, cancellationToken);
    }

    /// <summary>
    /// A lead approves a pending draft: from the next question on, on every instance, the bot answers from it. The lead
    /// who wrote the answer cannot approve it while another active lead exists (<see cref="SeparationOfDutiesOptions.AuthorCannotApproveOwnDraft"/>).
    /// </summary>
    public async Task<DraftOutcome> ApproveAsync(Guid id, int? expectedVersion, TaskActor actor, CancellationToken cancellationToken = default)
    {
        if (!IsLeadPerson(actor))
        {
            return new(DraftOutcomeKind.Refused, OnlyLeads);
        }

        return await DecideAsync(id, expectedVersion, actor, async (draft, ct) =>
        {
            switch (draft.Status)
            {
                case DraftStatus.Approved:
                    return new DraftOutcome(DraftOutcomeKind.Unchanged, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} is already approved: I answer from it."), draft);
                case DraftStatus.Rejected:
                    return new DraftOutcome(DraftOutcomeKind.Refused, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} was rejected, so it can't be approved. Save the answer again to start a new draft."), draft);
            }

            var person = actor.Person!;
            if (duties.Value.AuthorCannotApproveOwnDraft && draft.AuthorId == person.Id && await OtherLeadExistsAsync(person.Id, ct))
            {
                var refusal = Notice.Of($"You wrote this answer, so another compliance lead must approve it: {await Duties.Duties.OtherLeadsAsync(db, [person.Id], ct)}.");
                await audit.AppendAsync(db, Record(actor, "kb.draft_refused", draft, null, null, $"approve refused: {refusal.Text}"), ct);
                return new DraftOutcome(DraftOutcomeKind.Refused, refusal, draft);
            }

            if (knowledge.Files.ById.ContainsKey(draft.EntryId) || await db.KnowledgeDrafts.AnyAsync(d => d.Id != draft.Id && d.EntryId == draft.EntryId && d.Status == DraftStatus.Approved, ct))
            {
                return new DraftOutcome(DraftOutcomeKind.Refused, Notice.Of($"The knowledge base already has an entry {Notice.Stress(draft.EntryId)}: reject this draft, or change that entry in knowledge/."), draft);
            }

            var before = ChangeSnapshots.Of(draft);
            draft.Status = DraftStatus.Approved;
            draft.ReviewedById = person.Id;
            draft.ReviewedAt = time.GetUtcNow();
            draft.Version++;
            await audit.AppendAsync(db, Record(actor, "kb.draft_approved", draft, before, ChangeSnapshots.Of(draft), null), ct);
            return new DraftOutcome(DraftOutcomeKind.Done, Notice.Of($"Approved {Notice.Stress(draft.EntryId)}: I answer from it now. Export it to knowledge/ with {Notice.Stress("kb export-drafts")} to commit it."), draft);
        }, cancellationToken);
    }

    /// <summary>A lead rejects a pending draft (an approved one stays: it is answered from, and is changed in knowledge/).</summary>
    public async Task<DraftOutcome> RejectAsync(Guid id, int? expectedVersion, TaskActor actor, string? reason, CancellationToken cancellationToken = default)
    {
        if (!IsLeadPerson(actor))
        {
            return new(DraftOutcomeKind.Refused, OnlyLeads);
        }

        if (TextRule.Problem(reason, "the reason", MaximumReasonLength, required: false) is { } invalid)
        {
            return new(DraftOutcomeKind.Invalid, invalid);
        }

        return await DecideAsync(id, expectedVersion, actor, async (draft, ct) =>
        {
            switch (draft.Status)
            {
                case DraftStatus.Rejected:
                    return new DraftOutcome(DraftOutcomeKind.Unchanged, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} is already rejected."), draft);
                case DraftStatus.Approved:
                    return new DraftOutcome(DraftOutcomeKind.Refused, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} is already approved and answering questions, so it can't be rejected. Change or remove the entry in knowledge/ instead."), draft);
            }

            var before = ChangeSnapshots.Of(draft);
            draft.Status = DraftStatus.Rejected;
            draft.ReviewedById = actor.Person!.Id;
            draft.ReviewedAt = time.GetUtcNow();
            draft.RejectionReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            draft.Version++;
            await audit.AppendAsync(db, Record(actor, "kb.draft_rejected", draft, before, ChangeSnapshots.Of(draft), draft.RejectionReason), ct);
            return new DraftOutcome(DraftOutcomeKind.Done, Notice.Of($"Rejected draft {Notice.Stress(draft.EntryId)}."), draft);
        }, cancellationToken);
    }

    private async Task<DraftOutcome> DecideAsync(Guid id, int? expectedVersion, TaskActor actor, Func<KnowledgeDraft, CancellationToken, Task<DraftOutcome>> decide, CancellationToken cancellationToken)
    {
        try
        {
            return await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var draft = await db.KnowledgeDrafts.SingleOrDefaultAsync(d => d.Id == id, ct);
                if (draft is null)
                {
                    return new DraftOutcome(DraftOutcomeKind.NotFound, NotFoundMessage);
                }

                if (expectedVersion is { } version && version != draft.Version && draft.Status == DraftStatus.Pending)
                {
                    return new DraftOutcome(DraftOutcomeKind.Changed, Notice.Of($"Draft {Notice.Stress(draft.EntryId)} changed since you saw it. Type {Notice.Stress("kb drafts")} to see it as it is now."), draft);
                }

                return await decide(draft, ct);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new DraftOutcome(DraftOutcomeKind.Changed, Notice.Of($"Someone else changed or decided that draft at the same moment. Type {Notice.Stress("kb drafts")} to see it as it is now."));
        }
    }

    /// <summary>Why the changes cannot be applied; null when fine.</summary>
    private string? Validate(DraftChanges changes)
    {
        var problem = (changes.Title is null ? null : TextRule.Problem(changes.Title, "the title", DraftRules.MaximumTitleLength))
            ?? (changes.Body is null ? null : TextRule.Problem(changes.Body, "the answer", DraftRules.MaximumBodyLength))
            ?? (changes.Phrasings is null ? null : TextRule.Problem(changes.Phrasings, "the phrasings", DraftRules.MaximumPhrasingsLength) ?? DraftRules.PhrasingsProblem(DraftRules.Lines(changes.Phrasings)))
            ?? (changes.References is null ? null : TextRule.Problem(changes.References, "the references", 1000, required: false))
            ?? (changes.SourceTitle is null ? null : TextRule.Problem(changes.SourceTitle, "the source title", DraftRules.MaximumTitleLength, required: false))
            ?? (changes.SourceUrl is null ? null : TextRule.Problem(changes.SourceUrl, "the source address", 2000, required: false));
        if (problem is not null)
        {
            return problem;
        }

        if (changes.References is not null && DraftRules.Lines(changes.References).FirstOrDefault(r => !knowledge.Files.Catalog.Contains(r)) is { } unknown)
        {
            return $"'{unknown}' is not a catalog reference (use SOC2:CC6.1, ISO27001:9.2 or ISO27001:A.5.15)";
        }

        if (changes.SourceUrl is { } url && url.Trim().Length > 0
            && (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            return "the source address is not an http(s) address";
        }

        return null;
    }

    private async Task<string> UniqueIdAsync(string proposed, CancellationToken cancellationToken)
    {
        var taken = await db.KnowledgeDrafts.AsNoTracking().Where(d => d.Status != DraftStatus.Rejected && d.EntryId.StartsWith(proposed))
            .Select(d => d.EntryId).ToListAsync(cancellationToken);
        var used = taken.Concat(knowledge.Files.ById.Keys).ToHashSet(StringComparer.Ordinal);
        var id = proposed;
        for (var n = 2; used.Contains(id); n++)
        {
            id = $"{proposed}-{n}";
        }

        return id;
    }

    private Task<bool> OtherLeadExistsAsync(Guid person, CancellationToken cancellationToken) =>
        db.People.AnyAsync(p => p.Id != person && p.IsActive && (p.Roles & PersonRoles.ComplianceLead) == PersonRoles.ComplianceLead, cancellationToken);

    private static bool IsLeadPerson(TaskActor actor) => actor.Person is { IsActive: true } person && person.Has(PersonRoles.ComplianceLead);

    private static AuditRecord Record(TaskActor actor, string action, KnowledgeDraft draft, string? before, string? after, string? reason) =>
        new(actor.Name, actor.Person?.Id, actor.Platform, action, AuditSubjects.KnowledgeDraft, AuditSubjects.Id(draft.Id), before, after, reason);

    private static string Word(DraftStatus status) => status == DraftStatus.Approved ? "approved" : "rejected";

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
