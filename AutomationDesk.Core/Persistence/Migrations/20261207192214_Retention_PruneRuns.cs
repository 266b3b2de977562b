using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Retention_PruneRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PruneRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Executions = table.Column<long>(type: "INTEGER", nullable: false),
                    Steps = table.Column<long>(type: "INTEGER", nullable: false),
                    Logs = table.Column<long>(type: "INTEGER", nullable: false),
                    Events = table.Column<long>(type: "INTEGER", nullable: false),
                    Artifacts = table.Column<long>(type: "INTEGER", nullable: false),
                    WebhookEvents = table.Column<long>(type: "INTEGER", nullable: false),
                    WebhookReceipts = table.Column<long>(type: "INTEGER", nullable: false),
                    Notifications = table.Column<long>(type: "INTEGER", nullable: false),
                    ArchivedTo = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LongestWriteHoldMs = table.Column<double>(type: "REAL", nullable: false),
                    DatabaseBytesBefore = table.Column<long>(type: "INTEGER", nullable: false),
                    DatabaseBytesAfter = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PruneRuns", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Executions_OriginExecutionId",
                table: "Executions",
                column: "OriginExecutionId");

            migrationBuilder.CreateIndex(
                name: "IX_PruneRuns_StartedAt",
                table: "PruneRuns",
                column: "StartedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PruneRuns");

            migrationBuilder.DropIndex(
                name: "IX_Executions_OriginExecutionId",
                table: "Executions");
        }
    }
}
