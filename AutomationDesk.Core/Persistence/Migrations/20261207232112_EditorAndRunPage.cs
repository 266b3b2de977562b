using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EditorAndRunPage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ApprovalStepId",
                table: "Notifications",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DecidedAt",
                table: "Notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DecidedBy",
                table: "Notifications",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Decision",
                table: "Notifications",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PinnedStepOutputs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkflowId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StepId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutputJson = table.Column<string>(type: "TEXT", nullable: false),
                    SourceExecutionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PinnedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PinnedStepOutputs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PinnedStepOutputs_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PinnedStepOutputs_WorkflowId_StepId",
                table: "PinnedStepOutputs",
                columns: new[] { "WorkflowId", "StepId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PinnedStepOutputs");

            migrationBuilder.DropColumn(
                name: "ApprovalStepId",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "DecidedAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "DecidedBy",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Decision",
                table: "Notifications");
        }
    }
}
