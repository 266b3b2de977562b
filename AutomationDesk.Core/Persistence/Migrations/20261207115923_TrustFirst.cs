using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <summary>
    /// This round's model changes in one step: runs count the engine's failures and remember the first run of their retry
    /// chain, read state is per person, people can be deactivated, inbox deliveries are deduplicated and webhook events
    /// list their replays.
    /// </summary>
    public partial class TrustFirst : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReplayExecutionIds",
                table: "WebhookEvents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

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

            migrationBuilder.AddColumn<int>(
                name: "DispatchFailures",
                table: "Executions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "OriginExecutionId",
                table: "Executions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DeactivatedAt",
                table: "AspNetUsers",
                type: "INTEGER",
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

            migrationBuilder.CreateTable(
                name: "NotificationReads",
                columns: table => new
                {
                    NotificationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    ReadAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationReads", x => new { x.NotificationId, x.UserId });
                    table.ForeignKey(
                        name: "FK_NotificationReads_Notifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "Notifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxDeliveries_Source_ReceivedAt",
                table: "InboxDeliveries",
                columns: new[] { "Source", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationReads_UserId",
                table: "NotificationReads",
                column: "UserId");

            // Read state used to be one flag for everyone: whoever could see a notification that was read keeps it read.
            migrationBuilder.Sql("""
                INSERT INTO "NotificationReads" ("NotificationId", "UserId", "ReadAt")
                SELECT n."Id", u."Id", COALESCE(n."ReadAt", n."CreatedAt")
                FROM "Notifications" n CROSS JOIN "AspNetUsers" u
                WHERE n."IsRead" = 1;
                """);

            migrationBuilder.DropIndex(
                name: "IX_Notifications_IsRead_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "IsRead",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "ReadAt",
                table: "Notifications");

            // Retries made before this release send the key of the first run of their chain too: walk each chain back.
            migrationBuilder.Sql("""
                WITH RECURSIVE chain("Id", "Origin") AS (
                    SELECT "Id", "Id" FROM "Executions" WHERE "Attempt" = 1 OR "ParentExecutionId" IS NULL
                    UNION ALL
                    SELECT e."Id", c."Origin" FROM "Executions" e JOIN chain c ON e."ParentExecutionId" = c."Id" WHERE e."Attempt" > 1
                )
                UPDATE "Executions" SET "OriginExecutionId" = (SELECT "Origin" FROM chain WHERE chain."Id" = "Executions"."Id")
                WHERE "Attempt" > 1 AND "ParentExecutionId" IS NOT NULL;
                """);

            // GitHub sources deduplicate by their delivery id from now on.
            migrationBuilder.Sql("UPDATE InboxSources SET DedupHeader = 'X-GitHub-Delivery' WHERE Preset = 'github'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboxDeliveries");

            migrationBuilder.DropTable(
                name: "NotificationReads");

            migrationBuilder.DropColumn(
                name: "ReplayExecutionIds",
                table: "WebhookEvents");

            migrationBuilder.DropColumn(
                name: "DedupHeader",
                table: "InboxSources");

            migrationBuilder.DropColumn(
                name: "DedupPath",
                table: "InboxSources");

            migrationBuilder.DropColumn(
                name: "DispatchFailures",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "OriginExecutionId",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "DeactivatedAt",
                table: "AspNetUsers");

            migrationBuilder.AddColumn<bool>(
                name: "IsRead",
                table: "Notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "ReadAt",
                table: "Notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_IsRead_CreatedAt",
                table: "Notifications",
                columns: new[] { "IsRead", "CreatedAt" });
        }
    }
}
