using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessReviewCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AssignmentId",
                table: "AccessReviewItems",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DelegatedFromId",
                table: "AccessReviewItems",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SignInKnown",
                table: "AccessReviewItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "InactiveDays",
                table: "AccessReviewCampaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "LaunchError",
                table: "AccessReviewCampaigns",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NamedReviewers",
                table: "AccessReviewCampaigns",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_DecidedById",
                table: "AccessReviewItems",
                column: "DecidedById");

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewItems_ReviewerId_Decision",
                table: "AccessReviewItems",
                columns: new[] { "ReviewerId", "Decision" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewCampaigns_Status_DueDate",
                table: "AccessReviewCampaigns",
                columns: new[] { "Status", "DueDate" });

            migrationBuilder.AddForeignKey(
                name: "FK_AccessReviewItems_People_DecidedById",
                table: "AccessReviewItems",
                column: "DecidedById",
                principalTable: "People",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_AccessReviewItems_People_ReviewerId",
                table: "AccessReviewItems",
                column: "ReviewerId",
                principalTable: "People",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AccessReviewItems_People_DecidedById",
                table: "AccessReviewItems");

            migrationBuilder.DropForeignKey(
                name: "FK_AccessReviewItems_People_ReviewerId",
                table: "AccessReviewItems");

            migrationBuilder.DropIndex(
                name: "IX_AccessReviewItems_DecidedById",
                table: "AccessReviewItems");

            migrationBuilder.DropIndex(
                name: "IX_AccessReviewItems_ReviewerId_Decision",
                table: "AccessReviewItems");

            migrationBuilder.DropIndex(
                name: "IX_AccessReviewCampaigns_Status_DueDate",
                table: "AccessReviewCampaigns");

            migrationBuilder.DropColumn(
                name: "AssignmentId",
                table: "AccessReviewItems");

            migrationBuilder.DropColumn(
                name: "DelegatedFromId",
                table: "AccessReviewItems");

            migrationBuilder.DropColumn(
                name: "SignInKnown",
                table: "AccessReviewItems");

            migrationBuilder.DropColumn(
                name: "InactiveDays",
                table: "AccessReviewCampaigns");

            migrationBuilder.DropColumn(
                name: "LaunchError",
                table: "AccessReviewCampaigns");

            migrationBuilder.DropColumn(
                name: "NamedReviewers",
                table: "AccessReviewCampaigns");
        }
    }
}
