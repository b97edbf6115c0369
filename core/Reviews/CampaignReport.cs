using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// An access review as evidence for CC6.2 / CC6.3 and A.5.18: the campaign, when its population was read and the
/// hash of that snapshot, every account with its recommendation, decision, reviewer, time, justification and removal,
/// and the audit trail's head when the report was made, so an auditor can tie the report to the chain.
/// </summary>
public sealed record CampaignReport(
    DateTimeOffset GeneratedAt,
    ReportedCampaign Campaign,
    AuditChainReport Chain,
    IReadOnlyList<ReportedItem> Items);

/// <summary>The campaign's settings and state.</summary>
public sealed record ReportedCampaign(
    Guid Id,
    string Name,
    ReviewResourceKind ResourceKind,
    string ResourceId,
    string? ResourceName,
    string? ResourceOwner,
    ReviewerRule ReviewerRule,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    DateOnly DueDate,
    UndecidedRule UndecidedRule,
    bool RemoveThroughGraph,
    int InactiveDays,
    CampaignStatus Status,
    DateTimeOffset? SnapshotAt,
    string? PopulationSha256,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    int Accounts,
    int Kept,
    int Revoked,
    int NotDecided);

/// <summary>One account's review.</summary>
public sealed record ReportedItem(
    Guid ItemId,
    string AccountId,
    string DisplayName,
    string? Email,
    string Access,
    bool AccountEnabled,
    bool IsGuest,
    bool? HasSponsor,
    DateTimeOffset? LastSignInAt,
    bool SignInKnown,
    ReviewRecommendation Recommendation,
    string? RecommendationReason,
    string? Reviewer,
    string? DelegatedFrom,
    ReviewDecision Decision,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Justification,
    RemediationStatus RemediationStatus,
    string? RemediationNote,
    DateTimeOffset? RemediatedAt);

/// <summary>Builds and writes <see cref="CampaignReport"/>s.</summary>
public sealed class CampaignReporter(ComplianceDbContext db, AuditKeyRing keys, TimeProvider time)
{
    private static readonly (string Header, Func<ReportedItem, string?> Value)[] Columns =
    [
        ("Account id", i => i.AccountId),
        ("Name", i => i.DisplayName),
        ("Email", i => i.Email),
        ("Access", i => i.Access),
        ("Enabled", i => Yes(i.AccountEnabled)),
        ("Guest", i => Yes(i.IsGuest)),
        ("Sponsor", i => i.HasSponsor is { } s ? Yes(s) : null),
        ("Last sign-in", i => i.SignInKnown ? Time(i.LastSignInAt) ?? "never" : "not tracked"),
        ("Recommendation", i => i.Recommendation.ToString()),
        ("Recommendation reason", i => i.RecommendationReason),
        ("Reviewer", i => i.Reviewer),
        ("Delegated by", i => i.DelegatedFrom),
        ("Decision", i => i.Decision.ToString()),
        ("Decided by", i => i.DecidedBy),
        ("Decided at", i => Time(i.DecidedAt)),
        ("Justification", i => i.Justification),
        ("Remediation", i => i.RemediationStatus.ToString()),
        ("Remediation note", i => i.RemediationNote),
        ("Remediated at", i => Time(i.RemediatedAt)),
        ("Item id", i => i.ItemId.ToString("D")),
    ];

    /// <summary>The campaign's report, read from one snapshot of the store; null when there is no such campaign.</summary>
    public Task<CampaignReport?> BuildAsync(Guid campaignId, CancellationToken cancellationToken = default) =>
        StoreSnapshot.ReadAsync(db, async ct =>
        {
            var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
            if (campaign is null)
            {
                return null;
            }

            var items = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId).ToListAsync(ct);
            var personIds = items.SelectMany(i => new[] { i.ReviewerId, i.DecidedById, i.DelegatedFromId }).Append(campaign.ResourceOwnerId)
                .OfType<Guid>().Distinct().ToList();
            var emails = new Dictionary<Guid, string>();
            foreach (var chunk in personIds.Chunk(500))
            {
                foreach (var person in await db.People.AsNoTracking().Where(p => chunk.Contains(p.Id)).Select(p => new { p.Id, p.Email }).ToListAsync(ct))
                {
                    emails[person.Id] = person.Email;
                }
            }

            string? Email(Guid? id) => id is { } value ? emails.GetValueOrDefault(value, value.ToString("D")) : null;
            var launch = await db.AuditTrail.AsNoTracking()
                .Where(e => e.SubjectType == AuditSubjects.AccessReviewCampaign && e.SubjectId == AuditSubjects.Id(campaignId) && e.Action == "review.launched")
                .OrderByDescending(e => e.Sequence).Select(e => e.After).FirstOrDefaultAsync(ct);
            var populationHash = launch is null ? null
                : JsonDocument.Parse(launch).RootElement.TryGetProperty("populationSha256", out var hash) ? hash.GetString() : null;
            var chain = await AuditChainVerifier.VerifyAsync(db, keys, cancellationToken: ct);
            var rows = items
                .OrderBy(i => i.SubjectDisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.SubjectId, StringComparer.Ordinal).ThenBy(i => i.Access, StringComparer.Ordinal)
                .Select(i => new ReportedItem(i.Id, i.SubjectId, i.SubjectDisplayName, i.SubjectEmail, i.Access, i.AccountEnabled, i.IsGuest, i.HasSponsor,
                    i.LastSignInAt, i.SignInKnown, i.Recommendation, i.RecommendationReason, Email(i.ReviewerId), Email(i.DelegatedFromId), i.Decision,
                    i.DecidedById is null && i.DecidedAt is not null ? "campaign rule" : Email(i.DecidedById), i.DecidedAt, i.Justification,
                    i.RemediationStatus, i.RemediationNote, i.RemediatedAt))
                .ToList();
            return new CampaignReport(time.GetUtcNow(), new ReportedCampaign(campaign.Id, campaign.Name, campaign.ResourceKind, campaign.ResourceId,
                campaign.ResourceName, Email(campaign.ResourceOwnerId), campaign.ReviewerRule, campaign.PeriodStart, campaign.PeriodEnd, campaign.DueDate,
                campaign.UndecidedRule, campaign.RemoveThroughGraph, campaign.InactiveDays, campaign.Status, campaign.SnapshotAt, populationHash,
                campaign.CreatedAt, campaign.CompletedAt, rows.Count, rows.Count(r => r.Decision == ReviewDecision.Keep),
                rows.Count(r => r.Decision == ReviewDecision.Revoke), rows.Count(r => r.Decision is ReviewDecision.Undecided or ReviewDecision.NotSure)), chain, rows);
        }, cancellationToken);

    /// <summary>The report as one indented JSON document (camelCase, enums as names).</summary>
    public static async Task WriteJsonAsync(CampaignReport report, Stream output, CancellationToken cancellationToken = default)
    {
        await JsonSerializer.SerializeAsync(output, report, CampaignReportJson.Default.CampaignReport, cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>
    /// The report as CSV: <c>#</c> comment lines with the campaign, the snapshot and the chain's head, then one row per
    /// account. Values a spreadsheet would run as formulas are prefixed with <c>'</c>.
    /// </summary>
    public static async Task WriteCsvAsync(CampaignReport report, TextWriter output, CancellationToken cancellationToken = default)
    {
        var c = report.Campaign;
        var options = new CsvWriterOptions { CommentPrefix = '#', Injection = CsvInjection.Escape };
        await using (var csv = CsvWriter.Create(output, options, leaveOpen: true))
        {
            csv.WriteComment(" ChatCompliance access review report (SOC 2 CC6.2, CC6.3; ISO/IEC 27001:2022 A.5.18)");
            csv.WriteComment($" campaign: {c.Name} ({c.Id:D}), status {c.Status}");
            csv.WriteComment($" resource: {c.ResourceKind} {c.ResourceName ?? c.ResourceId} ({c.ResourceId}), owner {c.ResourceOwner ?? "none"}");
            csv.WriteComment($" period: {Day(c.PeriodStart)} to {Day(c.PeriodEnd)}, due {Day(c.DueDate)}, reviewers by {c.ReviewerRule}, undecided: {c.UndecidedRule}");
            csv.WriteComment($" population snapshot: {Time(c.SnapshotAt) ?? "not taken"}, {c.Accounts} accounts, sha256 {c.PopulationSha256 ?? "-"}");
            csv.WriteComment($" decided: {c.Kept} kept, {c.Revoked} revoked, {c.NotDecided} not decided; completed {Time(c.CompletedAt) ?? "not yet"}");
            csv.WriteComment($" generated at: {Time(report.GeneratedAt)}");
            csv.WriteComment($" chain: {report.Chain.Summary}");
            csv.WriteComment($" chain head: entry {report.Chain.HeadSequence}, hash {report.Chain.HeadHash}");
            foreach (var (header, _) in Columns)
            {
                csv.WriteField(header);
            }

            await csv.EndRecordAsync(cancellationToken);
            foreach (var item in report.Items)
            {
                foreach (var (_, value) in Columns)
                {
                    csv.WriteField(value(item));
                }

                await csv.EndRecordAsync(cancellationToken);
            }
        }

        await output.FlushAsync(cancellationToken);
    }

    private static string Yes(bool value) => value ? "yes" : "no";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? value) => value is { } t ? AuditTrail.FormatTime(t) : null;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CampaignReport))]
internal sealed partial class CampaignReportJson : JsonSerializerContext;
