using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Compose : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Executions_ParentExecutionId",
                table: "Executions");

            migrationBuilder.AddColumn<int>(
                name: "ItemIndex",
                table: "Executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParentStepId",
                table: "Executions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TakenFiles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedTicks = table.Column<long>(type: "INTEGER", nullable: false),
                    ExecutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TakenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TakenFiles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TakenFiles_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TriggerPolls",
                columns: table => new
                {
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUid = table.Column<long>(type: "INTEGER", nullable: true),
                    NextPollAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastPollAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastItemAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastItem = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TriggerPolls", x => x.WorkflowId);
                    table.ForeignKey(
                        name: "FK_TriggerPolls_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Executions_ParentExecutionId_ParentStepId_ItemIndex",
                table: "Executions",
                columns: new[] { "ParentExecutionId", "ParentStepId", "ItemIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TakenFiles_WorkflowId_Path_Size_ModifiedTicks",
                table: "TakenFiles",
                columns: new[] { "WorkflowId", "Path", "Size", "ModifiedTicks" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TakenFiles");

            migrationBuilder.DropTable(
                name: "TriggerPolls");

            migrationBuilder.DropIndex(
                name: "IX_Executions_ParentExecutionId_ParentStepId_ItemIndex",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "ItemIndex",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "ParentStepId",
                table: "Executions");

            migrationBuilder.CreateIndex(
                name: "IX_Executions_ParentExecutionId",
                table: "Executions",
                column: "ParentExecutionId");
        }
    }
}
