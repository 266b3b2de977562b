using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Triggers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "WebhookToken",
                table: "Workflows",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "InboxRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConditionJson = table.Column<string>(type: "TEXT", nullable: true),
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxRules_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboxSources",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Preset = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Secret = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SignatureScheme = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SignatureHeader = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EventTypeHeader = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EventTypePath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxSources", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ScheduleStates",
                columns: table => new
                {
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastFireAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastExecutionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LastSuccessAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SilenceAlertedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScheduleStates", x => x.WorkflowId);
                    table.ForeignKey(
                        name: "FK_ScheduleStates_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: true),
                    InboxSource = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    QueryJson = table.Column<string>(type: "TEXT", nullable: false),
                    HeadersJson = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: true),
                    BodyBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ExecutionIds = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookReceipts",
                columns: table => new
                {
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    BodyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExecutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookReceipts", x => new { x.WorkflowId, x.Key });
                    table.ForeignKey(
                        name: "FK_WebhookReceipts_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_Source_EventType",
                table: "InboxRules",
                columns: new[] { "Source", "EventType" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_WorkflowId",
                table: "InboxRules",
                column: "WorkflowId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxSources_Name",
                table: "InboxSources",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_InboxSource_ReceivedAt",
                table: "WebhookEvents",
                columns: new[] { "InboxSource", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_ReceivedAt",
                table: "WebhookEvents",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_WorkflowId_ReceivedAt",
                table: "WebhookEvents",
                columns: new[] { "WorkflowId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookReceipts_ReceivedAt",
                table: "WebhookReceipts",
                column: "ReceivedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboxRules");

            migrationBuilder.DropTable(
                name: "InboxSources");

            migrationBuilder.DropTable(
                name: "ScheduleStates");

            migrationBuilder.DropTable(
                name: "WebhookEvents");

            migrationBuilder.DropTable(
                name: "WebhookReceipts");

            migrationBuilder.DropColumn(
                name: "WebhookToken",
                table: "Workflows");
        }
    }
}
