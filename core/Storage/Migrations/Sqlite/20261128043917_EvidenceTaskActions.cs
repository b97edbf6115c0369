using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EvidenceTaskActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EvidenceTasks_ControlId",
                table: "EvidenceTasks");

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "EvidenceTasks",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EvidenceEffectiveFrom",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EvidenceEffectiveTo",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExtensionReason",
                table: "EvidenceTasks",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ProposedOwnerId",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReassignReason",
                table: "EvidenceTasks",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "RequestedDueDate",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CardMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ConversationReferenceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Audience = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_ControlId_PeriodStart_PeriodEnd",
                table: "EvidenceTasks",
                columns: new[] { "ControlId", "PeriodStart", "PeriodEnd" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_ProposedOwnerId",
                table: "EvidenceTasks",
                column: "ProposedOwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_ConversationReferenceId",
                table: "CardMessages",
                column: "ConversationReferenceId");

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_SubjectType_SubjectId",
                table: "CardMessages",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.AddForeignKey(
                name: "FK_EvidenceTasks_People_ProposedOwnerId",
                table: "EvidenceTasks",
                column: "ProposedOwnerId",
                principalTable: "People",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_EvidenceTasks_People_ProposedOwnerId",
                table: "EvidenceTasks");

            migrationBuilder.DropTable(
                name: "CardMessages");

            migrationBuilder.DropIndex(
                name: "IX_EvidenceTasks_ControlId_PeriodStart_PeriodEnd",
                table: "EvidenceTasks");

            migrationBuilder.DropIndex(
                name: "IX_EvidenceTasks_ProposedOwnerId",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "EvidenceEffectiveFrom",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "EvidenceEffectiveTo",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "ExtensionReason",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "ProposedOwnerId",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "ReassignReason",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "RequestedDueDate",
                table: "EvidenceTasks");

            migrationBuilder.CreateIndex(
                name: "IX_EvidenceTasks_ControlId",
                table: "EvidenceTasks",
                column: "ControlId");
        }
    }
}
