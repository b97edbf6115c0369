using System.Text.RegularExpressions;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.OnDemand;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// A lead runs a scheduled job now from chat: <c>digest now</c>, <c>announce &lt;audit&gt; now</c>, <c>chase now</c>,
/// <c>generate now</c>. Anyone else is refused politely, and the refusal is audited.
/// </summary>
internal sealed partial class JobConversation(JobTrigger trigger, ComplianceDbContext db, AuditTrail audit)
{
    /// <summary>Whether the message asks for a job now.</summary>
    public static bool IsCommand(string text) => NowCommand().IsMatch(ChatText.Plain(text).Trim());

    public async Task<ChatReply> RunAsync(ChatEvent chat, Person? actor, string text, CancellationToken cancellationToken)
    {
        var match = NowCommand().Match(ChatText.Plain(text).Trim());
        var job = match.Groups["job"].Value.ToLowerInvariant();
        var who = new TaskActor(actor, chat.User.Platform, chat.User.UserId);
        if (actor is not { IsActive: true } || !actor.Has(PersonRoles.ComplianceLead))
        {
            await AuditTrail.RunInTransactionAsync(db, ct => audit.AppendAsync(db, new AuditRecord(who.Name, actor?.Id, chat.User.Platform, "job.run_refused",
                JobTrigger.AuditSubject, job, null, null, "only compliance leads run jobs now"), ct), cancellationToken);
            return new TextReply("Only a compliance lead can run jobs now.");
        }

        var run = await trigger.RunAsync(job, match.Groups["audit"].Success ? match.Groups["audit"].Value : null, who, cancellationToken);
        return new TextReply(run.Message);
    }

    [GeneratedRegex(@"^(?:(?<job>digest|chase|generate)|(?<job>announce)\s+(?<audit>.+?))\s+now$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex NowCommand();
}
