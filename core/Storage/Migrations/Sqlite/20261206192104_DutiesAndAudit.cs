using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DutiesAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AcceptedIso27001Refs",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AcceptedSoc2Refs",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ExtensionRequestedById",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReassignRequestedById",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubmittedById",
                table: "EvidenceTasks",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AcceptedIso27001Refs",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "AcceptedSoc2Refs",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "ExtensionRequestedById",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "ReassignRequestedById",
                table: "EvidenceTasks");

            migrationBuilder.DropColumn(
                name: "SubmittedById",
                table: "EvidenceTasks");
        }
    }
}
