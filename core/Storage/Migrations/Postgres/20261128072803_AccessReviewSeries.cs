using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatCompliance.Core.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccessReviewSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SeriesId",
                table: "AccessReviewCampaigns",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessReviewCampaigns_SeriesId_PeriodStart",
                table: "AccessReviewCampaigns",
                columns: new[] { "SeriesId", "PeriodStart" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccessReviewCampaigns_SeriesId_PeriodStart",
                table: "AccessReviewCampaigns");

            migrationBuilder.DropColumn(
                name: "SeriesId",
                table: "AccessReviewCampaigns");
        }
    }
}
