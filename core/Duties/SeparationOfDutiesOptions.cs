namespace ChatCompliance.Core.Duties;

/// <summary>
/// Separation of duties: each rule is on unless turned off here (section <c>SeparationOfDuties</c>). A change of these
/// settings is written to the audit trail when the application starts.
/// </summary>
public sealed class SeparationOfDutiesOptions
{
    public const string SectionName = "SeparationOfDuties";

    /// <summary>Whoever submitted evidence (or marked a task done) cannot accept or return it.</summary>
    public bool SubmitterCannotDecide { get; set; } = true;

    /// <summary>Whoever asked for an extension or a reassignment cannot approve or decline it.</summary>
    public bool RequesterCannotApprove { get; set; } = true;

    /// <summary>A compliance lead who owns (or is delegate on) a task cannot mark it done, accept it or extend it alone.</summary>
    public bool OwnerLeadCannotCloseOwnTask { get; set; } = true;

    /// <summary>A reviewer cannot decide their own access in an access review.</summary>
    public bool ReviewerCannotDecideOwnAccess { get; set; } = true;

    /// <summary>
    /// A lead who wrote a team answer cannot approve the knowledge-base draft made from it while another active compliance
    /// lead exists (a team of one lead approves alone; the audit trail shows it).
    /// </summary>
    public bool AuthorCannotApproveOwnDraft { get; set; } = true;
}
