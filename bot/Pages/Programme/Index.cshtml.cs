using ChatCompliance.Bot.Web;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Programme;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace ChatCompliance.Bot.Pages.Programme;

/// <summary>The programme at a glance, for compliance leads and admins; each figure links to its list.</summary>
internal sealed class IndexModel(ProgrammeOverview overview) : SignedInPageModel
{
    protected override bool LeadsOnly => true;

    public ProgrammeSnapshot Snapshot { get; private set; } = null!;

    public TrendChart Trend => new(Snapshot.OverdueTrend);

    /// <summary>The result of "Verify now", when asked.</summary>
    public AuditChainReport? Verified { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Snapshot = await overview.ReadAsync(cancellationToken);

    /// <summary>Walks the whole audit chain against the anchors, as <c>audit verify</c> does.</summary>
    public async Task<IActionResult> OnPostVerifyAsync([FromServices] ComplianceDbContext db, [FromServices] AuditKeyRing keys, [FromServices] AuditAnchorer anchorer,
        CancellationToken cancellationToken)
    {
        Snapshot = await overview.ReadAsync(cancellationToken);
        IReadOnlyList<AuditAnchorLine> anchors;
        try
        {
            anchors = AuditAnchorFile.Read(anchorer.AnchorFile);
        }
        catch (AuditAnchorFileException e)
        {
            return Show(new PageOutcome(StatusCodes.Status500InternalServerError, $"The anchor file cannot be read: {e.Message}"));
        }

        Verified = await AuditChainVerifier.VerifyAsync(db, keys, anchors: anchors, cancellationToken: cancellationToken);
        return Page();
    }
}
