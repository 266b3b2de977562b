using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "DryRun",
                table: "Executions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "WaitingMs",
                table: "Executions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "WaitingSince",
                table: "Executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ExecutionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ExecutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentStepId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DataJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExecutionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExecutionEvents_Executions_ExecutionId",
                        column: x => x.ExecutionId,
                        principalTable: "Executions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "IX_ExecutionEvents_ExecutionId_Sequence",
                table: "ExecutionEvents",
                columns: new[] { "ExecutionId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PruneRuns_StartedAt",
                table: "PruneRuns",
                column: "StartedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExecutionEvents");

            migrationBuilder.DropTable(
                name: "PruneRuns");

            migrationBuilder.DropIndex(
                name: "IX_Executions_OriginExecutionId",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "DryRun",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "WaitingMs",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "WaitingSince",
                table: "Executions");
        }
    }
}
