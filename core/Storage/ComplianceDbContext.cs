using ChatCompliance.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Storage;

/// <summary>The one model of the application; each provider has a subclass with its own migrations.</summary>
public abstract class ComplianceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Person> People => Set<Person>();
    public DbSet<Control> Controls => Set<Control>();
    public DbSet<EvidenceTask> EvidenceTasks => Set<EvidenceTask>();
    public DbSet<AccessReviewCampaign> AccessReviewCampaigns => Set<AccessReviewCampaign>();
    public DbSet<AccessReviewItem> AccessReviewItems => Set<AccessReviewItem>();
    public DbSet<Domain.Audit> Audits => Set<Domain.Audit>();
    public DbSet<AuditTrailEntry> AuditTrail => Set<AuditTrailEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<ConversationReference> ConversationReferences => Set<ConversationReference>();
    public DbSet<Question> Questions => Set<Question>();
    public DbSet<CardMessage> CardMessages => Set<CardMessage>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ChannelSubscription> ChannelSubscriptions => Set<ChannelSubscription>();
    public DbSet<RateBudget> RateBudgets => Set<RateBudget>();
    public DbSet<KnowledgeDraft> KnowledgeDrafts => Set<KnowledgeDraft>();
    public DbSet<PopulationDelta> PopulationDeltas => Set<PopulationDelta>();

    public DbSet<OutboxInstance> OutboxInstances => Set<OutboxInstance>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Person>(e =>
        {
            e.Property(p => p.Email).HasMaxLength(320);
            e.HasIndex(p => p.Email).IsUnique();
            e.Property(p => p.DisplayName).HasMaxLength(200);
            e.Property(p => p.TimeZone).HasMaxLength(64);
            e.HasIndex(p => p.TeamsUserId);
            e.HasIndex(p => new { p.SlackTeamId, p.SlackUserId });
            e.HasIndex(p => p.EntraObjectId);
            e.HasOne(p => p.Manager).WithMany().HasForeignKey(p => p.ManagerId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<Control>(e =>
        {
            e.Property(c => c.Code).HasMaxLength(64);
            e.HasIndex(c => c.Code).IsUnique();
            e.Property(c => c.Title).HasMaxLength(300);
            e.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<EvidenceTask>(e =>
        {
            e.Property(t => t.Title).HasMaxLength(300);
            e.Property(t => t.Version).IsConcurrencyToken();
            e.HasOne(t => t.Control).WithMany().HasForeignKey(t => t.ControlId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(t => t.Owner).WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(t => t.Delegate).WithMany().HasForeignKey(t => t.DelegateId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(t => t.ProposedOwner).WithMany().HasForeignKey(t => t.ProposedOwnerId).OnDelete(DeleteBehavior.SetNull);
            e.Property(t => t.EvidenceUrl).HasMaxLength(2000);
            e.Property(t => t.EvidenceNote).HasMaxLength(2000);
            e.Property(t => t.DecisionReason).HasMaxLength(2000);
            e.Property(t => t.ExtensionReason).HasMaxLength(2000);
            e.Property(t => t.ReassignReason).HasMaxLength(2000);
            e.Property(t => t.CreatedBy).HasMaxLength(320);
            e.HasIndex(t => new { t.OwnerId, t.Status, t.DueDate });
            // One task per control and evidence period: generating a period twice (or on two instances) adds nothing.
            e.HasIndex(t => new { t.ControlId, t.PeriodStart, t.PeriodEnd }).IsUnique();
            e.HasIndex(t => new { t.Status, t.DueDate });
        });

        modelBuilder.Entity<CardMessage>(e =>
        {
            e.Property(m => m.SubjectType).HasMaxLength(64);
            e.Property(m => m.SubjectId).HasMaxLength(64);
            e.Property(m => m.MessageId).HasMaxLength(200);
            e.HasOne(m => m.Conversation).WithMany().HasForeignKey(m => m.ConversationReferenceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => new { m.SubjectType, m.SubjectId });
        });

        modelBuilder.Entity<AccessReviewCampaign>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.ResourceId).HasMaxLength(200);
            e.Property(c => c.ResourceName).HasMaxLength(300);
            e.Property(c => c.NamedReviewers).HasMaxLength(4000);
            e.Property(c => c.LaunchError).HasMaxLength(2000);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.Status, c.DueDate });
            // The next campaign of a series is launched once, however often the job runs and on however many instances.
            e.HasIndex(c => new { c.SeriesId, c.PeriodStart }).IsUnique();
            e.HasMany(c => c.Items).WithOne(i => i.Campaign).HasForeignKey(i => i.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<OutboxInstance>(e =>
        {
            e.HasKey(i => i.Name);
            e.Property(i => i.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<PopulationDelta>(e =>
        {
            e.HasKey(d => d.SeriesId);
            e.Property(d => d.ResourceId).HasMaxLength(200);
            // No length on the link: Graph encodes the query (up to 50 group ids) into its opaque token.
            // The keeper moves the oldest links forward first.
            e.HasIndex(d => d.TakenAt);
        });

        modelBuilder.Entity<AccessReviewItem>(e =>
        {
            e.Property(i => i.SubjectId).HasMaxLength(200);
            e.Property(i => i.SubjectDisplayName).HasMaxLength(300);
            e.Property(i => i.SubjectEmail).HasMaxLength(320);
            e.Property(i => i.Access).HasMaxLength(300);
            e.Property(i => i.AssignmentId).HasMaxLength(200);
            e.Property(i => i.RecommendationReason).HasMaxLength(300);
            e.Property(i => i.Justification).HasMaxLength(2000);
            e.Property(i => i.RemediationNote).HasMaxLength(2000);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasOne(i => i.Reviewer).WithMany().HasForeignKey(i => i.ReviewerId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(i => i.DecidedBy).WithMany().HasForeignKey(i => i.DecidedById).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(i => new { i.CampaignId, i.ReviewerId, i.Decision });
            e.HasIndex(i => new { i.ReviewerId, i.Decision });
            e.HasIndex(i => new { i.CampaignId, i.SubjectId, i.Access }).IsUnique();
        });

        modelBuilder.Entity<Domain.Audit>(e => e.Property(a => a.Name).HasMaxLength(200));

        modelBuilder.Entity<AuditTrailEntry>(e =>
        {
            e.HasKey(a => a.Sequence);
            // The application numbers entries under the chain's lock, so the numbers and the hashes over them agree.
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.Property(a => a.Hash).HasMaxLength(64);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.KeyId).HasMaxLength(32);
            e.HasIndex(a => new { a.SubjectType, a.SubjectId });
            e.HasIndex(a => a.OccurredAt);
        });

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.Property(o => o.IdempotencyKey).HasMaxLength(200);
            e.Property(o => o.Kind).HasMaxLength(64);
            e.Property(o => o.SubjectType).HasMaxLength(64);
            e.Property(o => o.SubjectId).HasMaxLength(64);
            e.Property(o => o.ClaimedBy).HasMaxLength(200);
            e.Property(o => o.ReplacesMessageId).HasMaxLength(200);
            e.Property(o => o.ReplyToId).HasMaxLength(200);
            e.HasIndex(o => o.IdempotencyKey).IsUnique();
            e.HasIndex(o => new { o.SentAt, o.DeadLetteredAt, o.NextAttemptAt });
            e.HasIndex(o => o.IncidentId);
            // A claim reads back its rows by their claim token: without this, a scan of every row ever sent, payloads and all.
            e.HasIndex(o => o.ClaimedBy).HasFilter("\"ClaimedBy\" IS NOT NULL");
        });

        modelBuilder.Entity<RateBudget>(e =>
        {
            e.HasKey(b => b.Key);
            e.Property(b => b.Key).HasMaxLength(400);
        });

        modelBuilder.Entity<ConversationReference>(e =>
        {
            e.Property(c => c.ConversationId).HasMaxLength(400);
            e.HasIndex(c => new { c.Platform, c.ConversationId }).IsUnique();
            e.HasIndex(c => c.PersonId);
        });

        modelBuilder.Entity<Question>(e =>
        {
            e.Property(q => q.Text).HasMaxLength(4000);
            e.Property(q => q.FollowUpKey).HasMaxLength(64);
            e.Property(q => q.Topic).HasMaxLength(Knowledge.ConversationTopic.MaximumStoredLength);
            e.HasIndex(q => new { q.Status, q.AskedAt });
            // A follow-up looks up the latest turn of one person in one thread.
            e.HasIndex(q => new { q.FollowUpKey, q.AskedAt });
        });

        modelBuilder.Entity<ChannelSubscription>(e =>
        {
            e.HasOne(s => s.Conversation).WithMany().HasForeignKey(s => s.ConversationReferenceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => new { s.ConversationReferenceId, s.Topic }).IsUnique();
            e.HasIndex(s => s.Topic);
        });

        modelBuilder.Entity<KnowledgeDraft>(e =>
        {
            e.Property(d => d.EntryId).HasMaxLength(Curation.DraftRules.MaximumIdLength);
            e.Property(d => d.Title).HasMaxLength(Curation.DraftRules.MaximumTitleLength);
            e.Property(d => d.Body).HasMaxLength(Curation.DraftRules.MaximumBodyLength);
            e.Property(d => d.Phrasings).HasMaxLength(Curation.DraftRules.MaximumPhrasingsLength);
            e.Property(d => d.References).HasMaxLength(1000);
            e.Property(d => d.SourceTitle).HasMaxLength(Curation.DraftRules.MaximumTitleLength);
            e.Property(d => d.SourceUrl).HasMaxLength(2000);
            e.Property(d => d.Owner).HasMaxLength(320);
            e.Property(d => d.RejectionReason).HasMaxLength(2000);
            e.Property(d => d.Version).IsConcurrencyToken();
            // Every instance counts the approved drafts before answering (the knowledge version stamp): an index, not a scan.
            e.HasIndex(d => d.Status);
            e.HasIndex(d => d.QuestionId);
            e.HasIndex(d => d.EntryId);
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.SecretHash).HasMaxLength(64);
            e.Property(k => k.CreatedBy).HasMaxLength(320);
            e.Ignore(k => k.IsRevoked);
        });
    }
}
