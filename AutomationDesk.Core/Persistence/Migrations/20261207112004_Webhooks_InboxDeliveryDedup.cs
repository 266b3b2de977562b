using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <summary>
    /// Inbox delivery ids remembered per source (a repeat within 24 h starts nothing) and the dedup settings of a source;
    /// GitHub sources that exist already read X-GitHub-Delivery, as new ones do.
    /// </summary>
    public partial class Webhooks_InboxDeliveryDedup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DedupHeader",
                table: "InboxSources",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DedupPath",
                table: "InboxSources",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InboxDeliveries",
                columns: table => new
                {
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DeliveryId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxDeliveries", x => new { x.Source, x.DeliveryId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxDeliveries_Source_ReceivedAt",
                table: "InboxDeliveries",
                columns: new[] { "Source", "ReceivedAt" });

            migrationBuilder.Sql("UPDATE InboxSources SET DedupHeader = 'X-GitHub-Delivery' WHERE Preset = 'github'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboxDeliveries");

            migrationBuilder.DropColumn(
                name: "DedupHeader",
                table: "InboxSources");

            migrationBuilder.DropColumn(
                name: "DedupPath",
                table: "InboxSources");
        }
    }
}
