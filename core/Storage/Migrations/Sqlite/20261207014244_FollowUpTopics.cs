using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FollowUpTopics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FollowUpKey",
                table: "Questions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Topic",
                table: "Questions",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Questions_FollowUpKey_AskedAt",
                table: "Questions",
                columns: new[] { "FollowUpKey", "AskedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
