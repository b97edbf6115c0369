using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxDispatch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Kind",
                table: "Outbox",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<int>(
                name: "Audience",
                table: "Outbox",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "Outbox",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClaimedUntil",
                table: "Outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectId",
                table: "Outbox",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubjectType",
                table: "Outbox",
                type: "character varying(64)",
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

            migrationBuilder.AlterColumn<string>(
                name: "Kind",
                table: "Outbox",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);
        }
    }
}
