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

            migrationBuilder.CreateIndex(
                name: "IX_Executions_ParentExecutionId_ParentStepId_ItemIndex",
                table: "Executions",
                columns: new[] { "ParentExecutionId", "ParentStepId", "ItemIndex" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
