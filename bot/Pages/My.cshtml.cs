using ChatCompliance.Bot.Web;
using Microsoft.AspNetCore.Mvc;

namespace ChatCompliance.Bot.Pages;

/// <summary>My compliance: the signed-in person's tasks, access reviews and questions, with the chat cards' actions as forms.</summary>
internal sealed class MyModel(MyCompliance my) : SignedInPageModel
{
    public MyWork Work { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Work = await my.ReadAsync(Me, cancellationToken);

    /// <summary>submit, done, extend or handover on one task; the version is the one the page showed.</summary>
    public async Task<IActionResult> OnPostTaskAsync(Guid task, int version, string? action, CancellationToken cancellationToken)
    {
        var outcome = await my.ActAsync(Me, task, version, MyCompliance.Command(action, Request.Form), cancellationToken);
        Work = await my.ReadAsync(Me, cancellationToken);
        return Show(outcome);
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid item, int version, string? decision, string? justification, CancellationToken cancellationToken)
    {
        var outcome = await my.DecideAsync(Me, item, version, decision, justification, cancellationToken);
        Work = await my.ReadAsync(Me, cancellationToken);
        return Show(outcome);
    }

    public async Task<IActionResult> OnPostHandOverReviewAsync(Guid campaign, string? email, string? reason, CancellationToken cancellationToken)
    {
        var outcome = await my.HandOverReviewAsync(Me, campaign, email, reason, cancellationToken);
        Work = await my.ReadAsync(Me, cancellationToken);
        return Show(outcome);
    }
}
