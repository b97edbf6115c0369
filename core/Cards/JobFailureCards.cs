using System.Globalization;
using ChatCompliance.Core.Outbox;

namespace ChatCompliance.Core.Cards;

/// <summary>The card the compliance leads get when a scheduled job skipped rows it could not process.</summary>
public static class JobFailureCards
{
    private const int MaxShown = 10;

    /// <summary>Which rows <paramref name="job"/> skipped and why (the first ten; the log has the rest).</summary>
    public static Card Skipped(string job, IReadOnlyList<JobRowFailure> failures) => new(
        new CardHeader($"The {job} job skipped {failures.Count} item(s)", "Everything else was done"),
        [
            new TextElement("These items could not be processed and were skipped; the job carried on with the rest and will try them again on its next run. Check their data (for example an impossible date).", TextStyle.Warning),
            new FactsElement([.. failures.Take(MaxShown).Select(f => new Fact(CardText.Escape(f.Row), CardText.Escape(f.Error.Length > 300 ? f.Error[..300] + "…" : f.Error)))]),
            new TextElement(failures.Count > MaxShown ? $"…and {failures.Count - MaxShown} more (see the log)." : "Details are in the log.", TextStyle.Subtle),
        ],
        string.Create(CultureInfo.InvariantCulture, $"The {job} job skipped {failures.Count} item(s)."));
}
