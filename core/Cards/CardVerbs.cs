namespace ChatCompliance.Core.Cards;

/// <summary>The verbs a <see cref="CardAction"/> sends back; the handler for each is found by verb.</summary>
public static class CardVerbs
{
    /// <summary>Show a related entry; data <see cref="CardDataKeys.Entry"/> = the entry id.</summary>
    public const string QaRelated = "qa.related";

    /// <summary>Pass an unanswered question to the compliance team; data <see cref="CardDataKeys.Question"/> = the question id.</summary>
    public const string QaHandOff = "qa.handoff";

    /// <summary>
    /// A compliance lead answers a handed-off question; data <see cref="CardDataKeys.Question"/> = the question id,
    /// input <see cref="CardDataKeys.Answer"/> = the lead's text.
    /// </summary>
    public const string QaAnswer = "qa.answer";

    /// <summary>Show the whole of a list an answer shortened; data <see cref="CardDataKeys.Reference"/> = the catalog reference.</summary>
    public const string QaMore = "qa.more";

    /// <summary>Show the help card.</summary>
    public const string Help = "help";

    /// <summary>Show an evidence task's card (also Teams' refresh); data <see cref="CardDataKeys.Task"/>.</summary>
    public const string TaskShow = "task.show";

    /// <summary>Show a page of the person's open tasks (<c>my tasks</c>); data <see cref="CardDataKeys.Page"/> (zero-based).</summary>
    public const string TaskList = "task.list";

    /// <summary>Show the form for one of a task's actions; data <see cref="CardDataKeys.Task"/>, <see cref="CardDataKeys.Version"/>, <see cref="CardDataKeys.Form"/>.</summary>
    public const string TaskForm = "task.form";

    /// <summary>Owner: hand in evidence; inputs <see cref="CardDataKeys.EvidenceUrl"/>, <see cref="CardDataKeys.Note"/>, <see cref="CardDataKeys.EffectiveFrom"/>, <see cref="CardDataKeys.EffectiveTo"/>.</summary>
    public const string TaskSubmit = "task.submit";

    /// <summary>Owner: mark done with a comment (input <see cref="CardDataKeys.Note"/>).</summary>
    public const string TaskDone = "task.done";

    /// <summary>Owner: ask for a new due date (inputs <see cref="CardDataKeys.DueDate"/>, <see cref="CardDataKeys.Reason"/>).</summary>
    public const string TaskExtend = "task.extend";

    /// <summary>Owner: hand the task to someone else (inputs <see cref="CardDataKeys.Email"/>, <see cref="CardDataKeys.Reason"/>).</summary>
    public const string TaskReassign = "task.reassign";

    /// <summary>Lead: accept the evidence (input <see cref="CardDataKeys.Reason"/> as an optional comment).</summary>
    public const string TaskAccept = "task.accept";

    /// <summary>Lead: return the evidence to the owner (input <see cref="CardDataKeys.Reason"/>, required).</summary>
    public const string TaskReject = "task.reject";

    /// <summary>Lead: decide a pending extension; data <see cref="CardDataKeys.Decision"/> = approve or decline.</summary>
    public const string TaskExtension = "task.extension";

    /// <summary>Lead: decide a pending reassignment; data <see cref="CardDataKeys.Decision"/> = approve or decline.</summary>
    public const string TaskReassignment = "task.reassignment";

    /// <summary>Show a page of the reviewer's accounts; data <see cref="CardDataKeys.Campaign"/>, <see cref="CardDataKeys.Page"/>.</summary>
    public const string ReviewPage = "review.page";

    /// <summary>Reviewer: decide one account; data <see cref="CardDataKeys.Item"/>, <see cref="CardDataKeys.Version"/>, <see cref="CardDataKeys.Decision"/> (keep, revoke, not_sure), input <see cref="CardDataKeys.Justification"/>.</summary>
    public const string ReviewDecide = "review.decide";

    /// <summary>Reviewer: show what a bulk decision would do; data <see cref="CardDataKeys.Bulk"/> (accept or keep).</summary>
    public const string ReviewBulk = "review.bulk";

    /// <summary>Reviewer: apply the bulk decision shown; input <see cref="CardDataKeys.Justification"/>.</summary>
    public const string ReviewBulkConfirm = "review.bulk_confirm";

    /// <summary>Reviewer: show the hand-over form.</summary>
    public const string ReviewDelegateForm = "review.delegate_form";

    /// <summary>Reviewer: hand undecided accounts to someone else; inputs <see cref="CardDataKeys.Email"/>, <see cref="CardDataKeys.Reason"/>.</summary>
    public const string ReviewDelegate = "review.delegate";

    /// <summary>Resource owner: revoked access was removed; data <see cref="CardDataKeys.Item"/>, input <see cref="CardDataKeys.Note"/>.</summary>
    public const string ReviewRemediated = "review.remediated";

    /// <summary>Resource owner: another page of access to remove.</summary>
    public const string ReviewRemediationPage = "review.remediation_page";

    /// <summary>Lead: make a knowledge-base draft from the answer just sent; data <see cref="CardDataKeys.Question"/>.</summary>
    public const string KbDraftSave = "kb.draft_save";

    /// <summary>Lead: the pending drafts (<c>kb drafts</c>).</summary>
    public const string KbDrafts = "kb.drafts";

    /// <summary>Lead: approve a draft; data <see cref="CardDataKeys.Draft"/>, <see cref="CardDataKeys.Version"/>.</summary>
    public const string KbDraftApprove = "kb.draft_approve";

    /// <summary>Lead: reject a draft; data <see cref="CardDataKeys.Draft"/>, <see cref="CardDataKeys.Version"/>.</summary>
    public const string KbDraftReject = "kb.draft_reject";

    /// <summary>Lead: show a draft's edit form; data <see cref="CardDataKeys.Draft"/>.</summary>
    public const string KbDraftEdit = "kb.draft_edit";

    /// <summary>
    /// Lead: save the edit form; data <see cref="CardDataKeys.Draft"/>, <see cref="CardDataKeys.Version"/>, inputs
    /// <see cref="CardDataKeys.Title"/>, <see cref="CardDataKeys.Body"/>, <see cref="CardDataKeys.Phrasings"/>.
    /// </summary>
    public const string KbDraftUpdate = "kb.draft_update";

    /// <summary>Lead: send again the messages an undelivered-messages alert held; data <see cref="CardDataKeys.Incident"/>.</summary>
    public const string OutboxResend = "outbox.resend";
}

/// <summary>The keys of <see cref="CardAction.Data"/> and the ids of inputs.</summary>
public static class CardDataKeys
{
    /// <summary>A knowledge entry id.</summary>
    public const string Entry = "entry";

    /// <summary>A catalog reference such as <c>SOC2:CC6.1</c>.</summary>
    public const string Reference = "ref";

    /// <summary>A question id (a GUID).</summary>
    public const string Question = "question";

    /// <summary>The input carrying a compliance lead's answer.</summary>
    public const string Answer = "answer";

    /// <summary>An evidence task id (a GUID).</summary>
    public const string Task = "task";

    /// <summary>The version of the thing the card showed; an action on an older version changes nothing.</summary>
    public const string Version = "version";

    /// <summary>Which form to show (see <see cref="TaskForms"/>).</summary>
    public const string Form = "form";

    /// <summary><c>approve</c> or <c>decline</c>.</summary>
    public const string Decision = "decision";

    public const string EvidenceUrl = "evidence_url";

    public const string Note = "note";

    public const string EffectiveFrom = "effective_from";

    public const string EffectiveTo = "effective_to";

    public const string DueDate = "due_date";

    public const string Reason = "reason";

    public const string Email = "email";

    /// <summary>An access-review campaign id (a GUID).</summary>
    public const string Campaign = "campaign";

    /// <summary>An access-review item id (a GUID).</summary>
    public const string Item = "item";

    /// <summary>A zero-based page number.</summary>
    public const string Page = "page";

    /// <summary>A reviewer's justification.</summary>
    public const string Justification = "justification";

    /// <summary><c>accept</c> (all recommendations) or <c>keep</c> (all remaining).</summary>
    public const string Bulk = "bulk";

    /// <summary>A knowledge-base draft id (a GUID).</summary>
    public const string Draft = "draft";

    /// <summary>A draft's title (input).</summary>
    public const string Title = "title";

    /// <summary>A draft's answer (input).</summary>
    public const string Body = "body";

    /// <summary>A draft's phrasings, one a line (input).</summary>
    public const string Phrasings = "phrasings";

    /// <summary>A delivery incident id (a GUID): the messages one undelivered-messages alert reported.</summary>
    public const string Incident = "incident";
}
