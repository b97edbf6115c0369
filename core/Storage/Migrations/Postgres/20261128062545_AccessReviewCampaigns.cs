using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccessReviewCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "SubjectEmail",
                table: "AccessReviewItems",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "SubjectDisplayName",
                table: "AccessReviewItems",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "RemediationNote",
                table: "AccessReviewItems",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "RecommendationReason",
                table: "AccessReviewItems",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Justification",
                table: "AccessReviewItems",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Access",
                table: "AccessReviewItems",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<string>(
                name: "AssignmentId",
                table: "AccessReviewItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DelegatedFromId",
                table: "AccessReviewItems",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "SignInKnown",
                table: "AccessReviewItems",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<string>(
                name: "ResourceName",
                table: "AccessReviewCampaigns",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<int>(
                name: "InactiveDays",
                table: "AccessReviewCampaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "LaunchError",
                table: "AccessReviewCampaigns",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NamedReviewers",
                table: "AccessReviewCampaigns",
                type: "character varying(4000)",
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

            migrationBuilder.AlterColumn<string>(
                name: "SubjectEmail",
                table: "AccessReviewItems",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(320)",
                oldMaxLength: 320,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "SubjectDisplayName",
                table: "AccessReviewItems",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(300)",
                oldMaxLength: 300);

            migrationBuilder.AlterColumn<string>(
                name: "RemediationNote",
                table: "AccessReviewItems",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "RecommendationReason",
                table: "AccessReviewItems",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(300)",
                oldMaxLength: 300,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Justification",
                table: "AccessReviewItems",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Access",
                table: "AccessReviewItems",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(300)",
                oldMaxLength: 300);

            migrationBuilder.AlterColumn<string>(
                name: "ResourceName",
                table: "AccessReviewCampaigns",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(300)",
                oldMaxLength: 300,
                oldNullable: true);
        }
    }
}
