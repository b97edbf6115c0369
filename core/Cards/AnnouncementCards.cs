using System.Globalization;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Cards;

/// <summary>Cards for subscribed channels: audit countdowns and warnings. Figures only; no personal data.</summary>
public static class AnnouncementCards
{
    /// <summary>"SOC 2 Type 2 fieldwork in 30 days", with the evidence still open.</summary>
    public static Card Countdown(Domain.Audit audit, int days, int openBeforeAudit, int overdue, int waitingForLead)
    {
        var when = days switch
        {
            0 => "today",
            1 => "tomorrow",
            _ => string.Create(CultureInfo.InvariantCulture, $"in {days} days"),
        };
        List<Fact> facts =
        [
            new("Audit", $"{CardText.Escape(audit.Name)} ({KindName(audit.Kind)})"),
            new("Starts", Day(audit.StartsOn)),
        ];
        if (audit.PeriodStart is { } start && audit.PeriodEnd is { } end)
        {
            facts.Add(new Fact("Observation period", $"{Day(start)} to {Day(end)}"));
        }

        if (audit.FieldworkStart is { } fieldwork)
        {
            facts.Add(new Fact("Fieldwork", audit.FieldworkEnd is { } fieldworkEnd ? $"{Day(fieldwork)} to {Day(fieldworkEnd)}" : Day(fieldwork)));
        }

        if (audit.Auditor is { } auditor)
        {
            facts.Add(new Fact("Auditor", CardText.Escape(auditor)));
        }

        facts.Add(new Fact("Evidence open, due by then", Number(openBeforeAudit)));
        facts.Add(new Fact("Evidence overdue", Number(overdue)));
        facts.Add(new Fact("Evidence waiting for a lead", Number(waitingForLead)));
        List<CardElement> body = [new FactsElement(facts)];
        if (overdue > 0)
        {
            body.Add(new TextElement($"{overdue} evidence task(s) are overdue: owners are being chased.", TextStyle.Warning));
        }

        return new Card(new CardHeader($"{CardText.Escape(audit.Name)} {when}", KindName(audit.Kind)), body,
            $"{audit.Name} starts {when} ({Day(audit.StartsOn)}): {openBeforeAudit} evidence task(s) open, {overdue} overdue.");
    }

    /// <summary>The audits coming up, soonest first (<c>audits</c>).</summary>
    public static Card Calendar(IReadOnlyList<Domain.Audit> audits, DateOnly today) =>
        new(new CardHeader("Audits coming up"),
        [
            new FactsElement([.. audits.Select(a => new Fact(CardText.Escape(a.Name),
                $"{KindName(a.Kind)}, {Day(a.StartsOn)} (in {a.StartsOn.DayNumber - today.DayNumber} days)"))]),
        ], $"{audits.Count} audit(s) coming up; the next is {audits[0].Name} on {Day(audits[0].StartsOn)}.");

    /// <summary>An ISO/IEC 27001 certificate expires soon and no recertification audit is booked before it.</summary>
    public static Card CertificateExpiring(Domain.Audit audit, int days) =>
        new(new CardHeader("ISO/IEC 27001 certificate expiring", $"in {days} day(s)"),
        [
            new FactsElement(
            [
                new("Certificate from", CardText.Escape(audit.Name)),
                new("Expires", Day(audit.CertificateExpiresOn!.Value)),
            ]),
            new TextElement("A certificate is valid for three years. No recertification audit is booked before it expires: agree a date with your certification body and add it to the calendar.", TextStyle.Warning),
        ], $"The ISO/IEC 27001 certificate expires on {Day(audit.CertificateExpiresOn!.Value)} and no recertification audit is booked.");

    /// <summary>The newest SOC 2 report speaks to a date more than 12 months ago and no audit is booked.</summary>
    public static Card Soc2ReportAging(Domain.Audit audit, DateOnly reportDate, DateOnly today) =>
        new(new CardHeader("SOC 2 report getting old", $"{(today.DayNumber - reportDate.DayNumber) / 30} months since its period ended"),
        [
            new FactsElement(
            [
                new("Newest report", CardText.Escape(audit.Name)),
                new(audit.Kind == AuditKind.Soc2Type2 ? "Period ended" : "As of", Day(reportDate)),
            ]),
            new TextElement("Customers usually expect a SOC 2 report covering the last 12 months (a bridge letter covers a short gap). No SOC 2 audit is booked: plan the next period.", TextStyle.Warning),
        ], $"The newest SOC 2 report's period ended {Day(reportDate)}, more than 12 months ago, and no SOC 2 audit is booked.");

    private static string KindName(AuditKind kind) => kind switch
    {
        AuditKind.Soc2Type1 => "SOC 2 Type 1",
        AuditKind.Soc2Type2 => "SOC 2 Type 2",
        AuditKind.Iso27001Stage1 => "ISO/IEC 27001 stage 1",
        AuditKind.Iso27001Stage2 => "ISO/IEC 27001 stage 2",
        AuditKind.Iso27001Surveillance => "ISO/IEC 27001 surveillance",
        _ => "ISO/IEC 27001 recertification",
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
