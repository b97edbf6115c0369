using ChatCompliance.Core.Outbox;
using System.Globalization;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// The audit calendar in chat: <c>audits</c> lists what is coming; a lead's <c>audit add …</c> books one; a lead's
/// <c>audit anchor</c> anchors the audit trail's head now.
/// </summary>
internal sealed partial class AuditConversation(ComplianceDbContext db, TimeProvider time, IServiceProvider services)
{
    private const string Usage = "To book an audit, type: **audit add** *kind* *yyyy-mm-dd* *name* [**period** *yyyy-mm-dd* **to** *yyyy-mm-dd*] [**expires** *yyyy-mm-dd*], " +
        "for example: audit add soc2-type2 2027-02-01 SOC 2 Type 2 2026 period 2026-01-01 to 2026-12-31. Kinds: soc2-type1, soc2-type2, iso27001-stage1, " +
        "iso27001-stage2, iso27001-surveillance, iso27001-recertification.";

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<ChatReply> ListAsync(CancellationToken cancellationToken)
    {
        var audits = await db.Audits.AsNoTracking().Where(a => a.StartsOn >= Today).OrderBy(a => a.StartsOn).Take(10).ToListAsync(cancellationToken);
        return audits.Count == 0
            ? new TextReply("No audits are booked. A compliance lead can add one: " + Usage)
            : new CardReply(AnnouncementCards.Calendar(audits, Today));
    }

    public async Task<ChatReply> AddAsync(Person? actor, Platform platform, string text, CancellationToken cancellationToken)
    {
        var match = AddCommand().Match(ChatText.Plain(text));
        if (!match.Success)
        {
            return new TextReply(Usage);
        }

        DateOnly? Date(string group) => match.Groups[group].Success
            && DateOnly.TryParseExact(match.Groups[group].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var dates = new[] { "date", "start", "end", "expires" };
        if (dates.Any(g => match.Groups[g].Success && Date(g) is null))
        {
            return new TextReply("Please give dates as yyyy-mm-dd. " + Usage);
        }

        var outcome = await services.GetRequiredService<AuditBookings>().AddAsync(new AuditSpec(match.Groups["kind"].Value, null, match.Groups["name"].Value, Date("date"),
            PeriodStart: Date("start"), PeriodEnd: Date("end"), CertificateExpiresOn: Date("expires")), new Core.Tasks.TaskActor(actor, platform), cancellationToken);
        if (outcome.NotAllowed)
        {
            return new TextReply("Only a compliance lead can change the audit calendar.");
        }

        if (outcome.Audit is not { } audit)
        {
            return new TextReply(CardText.Escape(string.Join("; ", outcome.Problems.Select(e => e.Reason).Distinct()) + "."));
        }

        return new TextReply($"Booked **{CardText.Escape(audit.Name)}** on {audit.StartsOn:yyyy-MM-dd}; subscribed channels get the countdown at 90, 60, 30, 14, 7 and 1 days.");
    }

    /// <summary>A lead anchors the audit trail's head now (in the anchor file and the channels subscribed to audits).</summary>
    public async Task<ChatReply> AnchorAsync(Person? actor, CancellationToken cancellationToken)
    {
        if (actor is not { IsActive: true } || !actor.Has(PersonRoles.ComplianceLead))
        {
            return new TextReply("Only a compliance lead can anchor the audit trail.");
        }

        AuditAnchorResult result;
        try
        {
            result = await services.GetRequiredService<AuditAnchorer>().AnchorAsync(cancellationToken);
        }
        catch (AuditAnchorFileException)
        {
            return new TextReply("The anchor file has a line that is not an anchor, so nothing was anchored. Run **audit verify --anchors** on the server to see which.");
        }

        services.GetRequiredService<OutboxSignal>().Nudge();
        if (!result.Chain.Intact)
        {
            return new TextReply($"Not anchored: the audit trail check failed: {CardText.Escape(result.Chain.Summary)}");
        }

        return result.Anchor is not { } anchor
            ? new TextReply("Nothing to anchor yet: the audit trail is empty.")
            : new TextReply($"Anchored entry {anchor.Sequence} (key {CardText.Escape(anchor.KeyId ?? "none")})"
                + (result.Appended ? "" : ", unchanged since the last anchor")
                + $"; {result.Posted} channel(s) subscribed to audits get it now.");
    }

    [GeneratedRegex(@"^audit\s+add\s+(?<kind>\S+)\s+(?<date>\S+)\s+(?<name>.+?)(?:\s+period\s+(?<start>\S+)\s+to\s+(?<end>\S+))?(?:\s+expires\s+(?<expires>\S+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AddCommand();
}
