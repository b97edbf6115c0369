using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Questions;
using ChatCompliance.Core.Programme;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Bot.Slack;
using ChatCompliance.Bot.Teams;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Integrations.Graph;
using ChatCompliance.Jobs;

namespace ChatCompliance.Bot.Hosting;

internal static class ComplianceServices
{
    /// <summary>
    /// Everything the product does, without its HTTP doors: the store, the audit trail, the knowledge base, the workflows,
    /// the chat platforms, the directory and the jobs. The web host adds its endpoints on top; a CLI verb that runs a job
    /// (<c>jobs run</c>) builds the same services, so it runs exactly what the server runs.
    /// </summary>
    public static IHostApplicationBuilder AddComplianceServices(this IHostApplicationBuilder builder)
    {
        // Storage: SQLite under data/ by default, PostgreSQL when ConnectionStrings:Postgres is set.
        builder.AddStorage();

        // The hash-chained audit trail every decision writes to, and the auditor's export.
        builder.AddAuditTrail();

        // The curated knowledge base and the engine that answers from it.
        builder.AddKnowledgeBase();

        // Questions the bot could not answer, passed to the leads, and their answers back to the asker.
        builder.AddQuestionHandOffs();

        // The audit calendar and where announcements go.
        builder.AddAuditCalendar();

        // The curation loop: team answers saved as drafts, reviewed by leads, answered from once approved.
        builder.AddCuration();

        // Evidence tasks: register, transitions, audit trail.
        builder.AddEvidenceTasks();

        // Access reviews: campaigns, decisions, completion, the auditor's report.
        builder.AddAccessReviews();

        // The programme's figures for the Programme page (core/Programme).
        builder.AddProgrammeOverview();

        // The evidence chaser: reminders and escalations on a ladder, in each person's working hours.
        builder.AddEvidenceChaser();

        // The conversation (platform-neutral) and the two chat platforms.
        builder.AddConversation();
        builder.AddTeamsChannel();
        builder.AddSlackChannel();

        // The directory access reviews read: Microsoft Graph when Graph:TenantId, ClientId and ClientSecret are set.
        builder.AddGraphDirectory();

        // Scheduled work on Hangfire.
        builder.AddComplianceJobs();
        return builder;
    }
}
