using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;

namespace ChatCompliance.Core.Audit;

/// <summary>One change to record: what was done to which subject, with its state before and after as JSON.</summary>
public sealed record Change(string Action, string SubjectType, string SubjectId, string? Before, string? After, string? Reason = null);

/// <summary>
/// Saves changes to the register (controls, people, roles, API keys, subscriptions, the audit calendar, settings)
/// together with their audit-trail entries, whatever the door: admin API, CLI, CSV import or chat.
/// </summary>
public sealed class ChangeRecorder(ComplianceDbContext db, AuditTrail audit)
{
    /// <summary>
    /// Runs <paramref name="work"/> (which changes tracked entities and returns what it changed) in one audited
    /// transaction: the entities and one entry per change are saved together, or nothing is.
    /// </summary>
    public Task<T> SaveAsync<T>(TaskActor actor, Func<CancellationToken, Task<(T Result, IReadOnlyList<Change> Changes)>> work, CancellationToken cancellationToken = default) =>
        AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var (result, changes) = await work(ct);
            foreach (var change in changes)
            {
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, change.Action,
                    change.SubjectType, change.SubjectId, change.Before, change.After, change.Reason), ct);
            }

            return result;
        }, cancellationToken);

    /// <summary>Saves the changes already made to tracked entities with their entries, in one transaction.</summary>
    public Task SaveAsync(TaskActor actor, IReadOnlyList<Change> changes, CancellationToken cancellationToken = default) =>
        SaveAsync(actor, _ => Task.FromResult((true, changes)), cancellationToken);
}

/// <summary>How the audit trail records register entities before and after a change (never a secret or its hash).</summary>
public static class ChangeSnapshots
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Of(Control c) => JsonSerializer.Serialize(new
    {
        code = c.Code,
        title = c.Title,
        soc2Refs = c.Soc2Refs,
        iso27001Refs = c.Iso27001Refs,
        ownerId = c.OwnerId,
        evidenceDescription = c.EvidenceDescription,
        frequency = c.Frequency.ToString(),
    }, Json);

    public static string Of(Person p) => JsonSerializer.Serialize(new
    {
        email = p.Email,
        displayName = p.DisplayName,
        timeZone = p.TimeZone,
        roles = p.Roles.ToString(),
        teamsUserId = p.TeamsUserId,
        entraObjectId = p.EntraObjectId,
        slackUserId = p.SlackUserId,
        slackTeamId = p.SlackTeamId,
        managerId = p.ManagerId,
        isActive = p.IsActive,
    }, Json);

    public static string Of(ApiKey k) => JsonSerializer.Serialize(new
    {
        name = k.Name,
        role = k.Role.ToString(),
        createdBy = k.CreatedBy,
        createdAt = k.CreatedAt,
        revokedAt = k.RevokedAt,
    }, Json);

    public static string Of(Domain.Audit a) => JsonSerializer.Serialize(new
    {
        kind = a.Kind.ToString(),
        framework = a.Framework.ToString(),
        name = a.Name,
        startsOn = a.StartsOn,
        endsOn = a.EndsOn,
        periodStart = a.PeriodStart,
        periodEnd = a.PeriodEnd,
        fieldworkStart = a.FieldworkStart,
        fieldworkEnd = a.FieldworkEnd,
        certificateExpiresOn = a.CertificateExpiresOn,
        auditor = a.Auditor,
    }, Json);

    public static string Of(ChannelSubscription s, ConversationReference? conversation) => JsonSerializer.Serialize(new
    {
        topic = s.Topic.ToString(),
        conversationReferenceId = s.ConversationReferenceId,
        platform = conversation?.Platform.ToString(),
        conversationId = conversation?.ConversationId,
        subscribedById = s.SubscribedById,
    }, Json);

    public static string Of(KnowledgeDraft d) => JsonSerializer.Serialize(new
    {
        entryId = d.EntryId,
        title = d.Title,
        body = d.Body,
        phrasings = d.Phrasings,
        references = d.References,
        sourceTitle = d.SourceTitle,
        sourceUrl = d.SourceUrl,
        owner = d.Owner,
        authorId = d.AuthorId,
        questionId = d.QuestionId,
        status = d.Status.ToString(),
        reviewedById = d.ReviewedById,
        rejectionReason = d.RejectionReason,
        version = d.Version,
    }, Json);

    public static string OfSettings<T>(T settings) => JsonSerializer.Serialize(settings, Json);
}
