using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessReviewCampaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ResourceKind = table.Column<int>(type: "integer", nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ResourceName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ResourceOwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReviewerRule = table.Column<int>(type: "integer", nullable: false),
                    FallbackReviewerId = table.Column<Guid>(type: "uuid", nullable: true),
                    NamedReviewers = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    InactiveDays = table.Column<int>(type: "integer", nullable: false),
                    LaunchError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Recurrence = table.Column<int>(type: "integer", nullable: false),
                    UndecidedRule = table.Column<int>(type: "integer", nullable: false),
                    RemoveThroughGraph = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    SnapshotAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: true),
                    SeriesId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReviewCampaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    SecretHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Audits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Framework = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: true),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: true),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    FieldworkStart = table.Column<DateOnly>(type: "date", nullable: true),
                    FieldworkEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    CertificateExpiresOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Auditor = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Audits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditTrail",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Platform = table.Column<int>(type: "integer", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    ActorPersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "text", nullable: false),
                    SubjectType = table.Column<string>(type: "text", nullable: false),
                    SubjectId = table.Column<string>(type: "text", nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    PreviousHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    KeyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditTrail", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "ConversationReferences",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Platform = table.Column<int>(type: "integer", nullable: false),
                    Scope = table.Column<int>(type: "integer", nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    ServiceUrl = table.Column<string>(type: "text", nullable: true),
                    TenantId = table.Column<string>(type: "text", nullable: true),
                    TeamId = table.Column<string>(type: "text", nullable: true),
                    BotId = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: true),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Name = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationReferences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KnowledgeDrafts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(3000)", maxLength: 3000, nullable: false),
                    Phrasings = table.Column<string>(type: "character varying(3000)", maxLength: 3000, nullable: false),
                    References = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    SourceTitle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SourceUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Owner = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    AuthorId = table.Column<Guid>(type: "uuid", nullable: true),
                    QuestionId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReviewedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RejectionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeDrafts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Platform = table.Column<int>(type: "integer", nullable: false),
                    ConversationReferenceId = table.Column<Guid>(type: "uuid", nullable: true),
                    RecipientPersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReplacesMessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReplyToId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SentMessageId = table.Column<string>(type: "text", nullable: true),
                    DeadLetteredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Audience = table.Column<int>(type: "integer", nullable: true),
                    ClaimedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ClaimedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SendStartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    InDoubtAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "People",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Roles = table.Column<int>(type: "integer", nullable: false),
                    TeamsUserId = table.Column<string>(type: "text", nullable: true),
                    EntraObjectId = table.Column<string>(type: "text", nullable: true),
                    SlackUserId = table.Column<string>(type: "text", nullable: true),
                    SlackTeamId = table.Column<string>(type: "text", nullable: true),
                    ManagerId = table.Column<Guid>(type: "uuid", nullable: true),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_People", x => x.Id);
                    table.ForeignKey(
                        name: "FK_People_People_ManagerId",
                        column: x => x.ManagerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Questions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    AskedById = table.Column<Guid>(type: "uuid", nullable: true),
                    AskedOn = table.Column<int>(type: "integer", nullable: false),
                    ConversationReferenceId = table.Column<Guid>(type: "uuid", nullable: true),
                    AskedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    EntryId = table.Column<string>(type: "text", nullable: true),
                    Confidence = table.Column<double>(type: "double precision", nullable: false),
                    FollowUpKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Topic = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    HandedOffAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Answer = table.Column<string>(type: "text", nullable: true),
                    AnsweredById = table.Column<Guid>(type: "uuid", nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Questions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RateBudgets",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    NextAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateBudgets", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "CardMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ConversationReferenceId = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Audience = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CardMessages_ConversationReferences_ConversationReferenceId",
                        column: x => x.ConversationReferenceId,
                        principalTable: "ConversationReferences",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ChannelSubscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConversationReferenceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Topic = table.Column<int>(type: "integer", nullable: false),
                    SubscribedById = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChannelSubscriptions_ConversationReferences_ConversationRef~",
                        column: x => x.ConversationReferenceId,
                        principalTable: "ConversationReferences",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AccessReviewItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SubjectDisplayName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    SubjectEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Access = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AccountEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    IsGuest = table.Column<bool>(type: "boolean", nullable: false),
                    HasSponsor = table.Column<bool>(type: "boolean", nullable: true),
                    LastSignInAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SignInKnown = table.Column<bool>(type: "boolean", nullable: false),
                    AssignmentId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Recommendation = table.Column<int>(type: "integer", nullable: false),
                    RecommendationReason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ReviewerId = table.Column<Guid>(type: "uuid", nullable: true),
                    DelegatedFromId = table.Column<Guid>(type: "uuid", nullable: true),
                    Decision = table.Column<int>(type: "integer", nullable: false),
                    Justification = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DecidedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RemediationStatus = table.Column<int>(type: "integer", nullable: false),
                    RemediationNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RemediatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessReviewItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AccessReviewItems_AccessReviewCampaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "AccessReviewCampaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AccessReviewItems_People_DecidedById",
                        column: x => x.DecidedById,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_AccessReviewItems_People_ReviewerId",
                        column: x => x.ReviewerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Controls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Soc2Refs = table.Column<List<string>>(type: "text[]", nullable: false),
                    Iso27001Refs = table.Column<List<string>>(type: "text[]", nullable: false),
                    EvidenceDescription = table.Column<string>(type: "text", nullable: true),
                    Frequency = table.Column<int>(type: "integer", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Controls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Controls_People_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "EvidenceTasks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ControlId = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    DelegateId = table.Column<Guid>(type: "uuid", nullable: true),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: true),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    EvidenceUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    EvidenceNote = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    EvidenceEffectiveFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    EvidenceEffectiveTo = table.Column<DateOnly>(type: "date", nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SubmittedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DecisionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RequestedDueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ExtensionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ExtensionRequestedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ProposedOwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReassignReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ReassignRequestedById = table.Column<Guid>(type: "uuid", nullable: true),
                    AcceptedSoc2Refs = table.Column<List<string>>(type: "text[]", nullable: true),
                    AcceptedIso27001Refs = table.Column<List<string>>(type: "text[]", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvidenceTasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvidenceTasks_Controls_ControlId",
                        column: x => x.ControlId,
                        principalTable: "Controls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EvidenceTasks_People_DelegateId",
                        column: x => x.DelegateId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_EvidenceTasks_People_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EvidenceTasks_People_ProposedOwnerId",
                        column: x => x.ProposedOwnerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewCampaigns_SeriesId_PeriodStart",
                table: "AccessReviewCampaigns",
                columns: new[] { "SeriesId", "PeriodStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewCampaigns_Status_DueDate",
                table: "AccessReviewCampaigns",
                columns: new[] { "Status", "DueDate" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_CampaignId_ReviewerId_Decision",
                table: "AccessReviewItems",
                columns: new[] { "CampaignId", "ReviewerId", "Decision" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_CampaignId_SubjectId_Access",
                table: "AccessReviewItems",
                columns: new[] { "CampaignId", "SubjectId", "Access" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_DecidedById",
                table: "AccessReviewItems",
                column: "DecidedById");

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_ReviewerId_Decision",
                table: "AccessReviewItems",
                columns: new[] { "ReviewerId", "Decision" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditTrail_OccurredAt",
                table: "AuditTrail",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuditTrail_SubjectType_SubjectId",
                table: "AuditTrail",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_ConversationReferenceId",
                table: "CardMessages",
                column: "ConversationReferenceId");

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_SubjectType_SubjectId",
                table: "CardMessages",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelSubscriptions_ConversationReferenceId_Topic",
                table: "ChannelSubscriptions",
                columns: new[] { "ConversationReferenceId", "Topic" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChannelSubscriptions_Topic",
                table: "ChannelSubscriptions",
                column: "Topic");

            migrationBuilder.CreateIndex(
                name: "IX_Controls_Code",
                table: "Controls",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Controls_OwnerId",
                table: "Controls",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationReferences_PersonId",
                table: "ConversationReferences",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_ConversationReferences_Platform_ConversationId",
                table: "ConversationReferences",
                columns: new[] { "Platform", "ConversationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_ControlId_PeriodStart_PeriodEnd",
                table: "EvidenceTasks",
                columns: new[] { "ControlId", "PeriodStart", "PeriodEnd" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_DelegateId",
                table: "EvidenceTasks",
                column: "DelegateId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_OwnerId_Status_DueDate",
                table: "EvidenceTasks",
                columns: new[] { "OwnerId", "Status", "DueDate" });

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_ProposedOwnerId",
                table: "EvidenceTasks",
                column: "ProposedOwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_Status_DueDate",
                table: "EvidenceTasks",
                columns: new[] { "Status", "DueDate" });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDrafts_EntryId",
                table: "KnowledgeDrafts",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDrafts_QuestionId",
                table: "KnowledgeDrafts",
                column: "QuestionId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeDrafts_Status",
                table: "KnowledgeDrafts",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_ClaimedBy",
                table: "Outbox",
                column: "ClaimedBy",
                filter: "\"ClaimedBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_IdempotencyKey",
                table: "Outbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_IncidentId",
                table: "Outbox",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_SentAt_DeadLetteredAt_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "SentAt", "DeadLetteredAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_People_Email",
                table: "People",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_People_EntraObjectId",
                table: "People",
                column: "EntraObjectId");

            migrationBuilder.CreateIndex(
                name: "IX_People_ManagerId",
                table: "People",
                column: "ManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_People_SlackTeamId_SlackUserId",
                table: "People",
                columns: new[] { "SlackTeamId", "SlackUserId" });

            migrationBuilder.CreateIndex(
                name: "IX_People_TeamsUserId",
                table: "People",
                column: "TeamsUserId");

            migrationBuilder.CreateIndex(
                name: "IX_Questions_FollowUpKey_AskedAt",
                table: "Questions",
                columns: new[] { "FollowUpKey", "AskedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Questions_Status_AskedAt",
                table: "Questions",
                columns: new[] { "Status", "AskedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessReviewItems");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "Audits");

            migrationBuilder.DropTable(
                name: "AuditTrail");

            migrationBuilder.DropTable(
                name: "CardMessages");

            migrationBuilder.DropTable(
                name: "ChannelSubscriptions");

            migrationBuilder.DropTable(
                name: "EvidenceTasks");

            migrationBuilder.DropTable(
                name: "KnowledgeDrafts");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "Questions");

            migrationBuilder.DropTable(
                name: "RateBudgets");

            migrationBuilder.DropTable(
                name: "AccessReviewCampaigns");

            migrationBuilder.DropTable(
                name: "ConversationReferences");

            migrationBuilder.DropTable(
                name: "Controls");

            migrationBuilder.DropTable(
                name: "People");
        }
    }
}
