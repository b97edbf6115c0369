using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DutiesAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "AcceptedIso27001Refs",
                table: "EvidenceTasks",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "AcceptedSoc2Refs",
                table: "EvidenceTasks",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ExtensionRequestedById",
                table: "EvidenceTasks",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReassignRequestedById",
                table: "EvidenceTasks",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SubmittedById",
                table: "EvidenceTasks",
                type: "uuid",
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
