using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FollowUpsDraftsAndRateBudgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FollowUpKey",
                table: "Questions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Topic",
                table: "Questions",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

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

            migrationBuilder.CreateIndex(
                name: "IX_Questions_FollowUpKey_AskedAt",
                table: "Questions",
                columns: new[] { "FollowUpKey", "AskedAt" });

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KnowledgeDrafts");

            migrationBuilder.DropTable(
                name: "RateBudgets");

            migrationBuilder.DropIndex(
                name: "IX_Questions_FollowUpKey_AskedAt",
                table: "Questions");

            migrationBuilder.DropColumn(
                name: "FollowUpKey",
                table: "Questions");

            migrationBuilder.DropColumn(
                name: "Topic",
                table: "Questions");
        }
    }
}
