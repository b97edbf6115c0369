using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxDispatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Audience",
                table: "Outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "Outbox",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClaimedUntil",
                table: "Outbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectId",
                table: "Outbox",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectType",
                table: "Outbox",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Audience",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "SubjectId",
                table: "Outbox");

            migrationBuilder.DropColumn(
                name: "SubjectType",
                table: "Outbox");
        }
    }
}
