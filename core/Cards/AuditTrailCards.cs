using ChatCompliance.Core.Audit;

namespace ChatCompliance.Core.Cards;

/// <summary>Cards about the audit trail itself, for channels subscribed to audits: anchors of its head and a failed check.</summary>
public static class AuditTrailCards
{
    /// <summary>The chain's head, posted so that a copy lives outside the database.</summary>
    public static Card Anchored(AuditAnchor anchor) =>
        new(new CardHeader("Audit trail anchored", $"entry {anchor.Sequence}"),
        [
            new FactsElement(
            [
                new("Entry", anchor.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("MAC", anchor.Mac),
                new("Key id", anchor.KeyId ?? "none (plain SHA-256)"),
                new("Entry written", AuditTrail.FormatTime(anchor.HeadAt)),
                new("Anchored", AuditTrail.FormatTime(anchor.AnchoredAt)),
            ]),
            new TextElement("Keep this message: `audit verify` checks that the chain still holds this entry with this MAC.", TextStyle.Subtle),
        ], $"Audit trail anchored: entry {anchor.Sequence}, MAC {anchor.Mac}, key {anchor.KeyId ?? "none"}.");

    /// <summary>Anchoring found the chain broken, so nothing was anchored.</summary>
    public static Card Broken(AuditChainProblem problem) =>
        new(new CardHeader("Audit trail check failed"),
        [
            new TextElement(CardText.Escape(problem.Message), TextStyle.Warning),
            new TextElement("Nothing was anchored. Run `audit verify --anchors <file>` and treat this as a security incident until explained.", TextStyle.Subtle),
        ], $"Audit trail check failed: {problem.Message}");
}
